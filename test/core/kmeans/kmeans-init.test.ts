import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitKMeans } from '../../../core/kmeans/kmeans.js';
import { PARALLEL_INIT_FROM_K, resolveInit, seedCentres } from '../../../core/kmeans/kmeans-init.js';
import { kmeansParallel } from '../../../core/kmeans/kmeans-parallel.js';
import { kmeansPlusPlus } from '../../../core/kmeans/kmeans-plusplus.js';
import { createRng } from '../../../core/util/random.js';

const kernel = { threads: 1 };

function noise(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * d }, () => rng.gaussian());
}

test('auto is greedy k-means++ below PARALLEL_INIT_FROM_K and k-means|| from it on', () => {
  assert.equal(resolveInit('auto', 100), 'k-means++');
  assert.equal(resolveInit('auto', PARALLEL_INIT_FROM_K - 1), 'k-means++');
  assert.equal(resolveInit('auto', PARALLEL_INIT_FROM_K), 'k-means||');
  assert.equal(resolveInit('random', 100), 'random');
});

test('the default fit at small k starts from the same k-means++ centres as before, so its labels are unchanged', async () => {
  const n = 900, d = 6, k = 12;
  const x = noise(n, d, 1);
  const byDefault = await fitKMeans(x, n, d, { k, seed: 3, kernel });
  const fromGreedy = await fitKMeans(x, n, d, { k, seed: 3, kernel, init: await kmeansPlusPlus(x, n, d, k, createRng(3), kernel) });
  assert.deepEqual(byDefault.labels, fromGreedy.labels);
  assert.deepEqual(byDefault.centroids, fromGreedy.centroids);
});

test('seedCentres dispatches each named init to its seeding, from the same generator state', async () => {
  const n = 600, d = 5, k = 9;
  const x = noise(n, d, 2);
  assert.deepEqual(await seedCentres('k-means||', x, n, d, k, createRng(4), kernel), await kmeansParallel(x, n, d, k, createRng(4), kernel));
  assert.deepEqual(await seedCentres('k-means++', x, n, d, k, createRng(4), kernel), await kmeansPlusPlus(x, n, d, k, createRng(4), kernel));
});

test('random init takes k distinct rows, and all n rows when k = n', async () => {
  const n = 50, d = 3;
  const x = noise(n, d, 3);
  for (const k of [10, n]) {
    const centres = await seedCentres('random', x, n, d, k, createRng(5), kernel);
    const rows = new Set<number>();
    for (let c = 0; c < k; c++) {
      const row = Array.from({ length: n }, (_, i) => i).find((i) => x.subarray(i * d, (i + 1) * d).every((v, j) => v === centres[c * d + j]));
      assert.ok(row !== undefined, `centre ${c} is not a row`);
      rows.add(row);
    }
    assert.equal(rows.size, k);
  }
});
