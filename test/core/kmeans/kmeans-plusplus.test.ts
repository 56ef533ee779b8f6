import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeansPlusPlus } from '../../../core/kmeans/kmeans-plusplus.js';
import { createRng } from '../../../core/util/random.js';

const rowsOf = (x: Float32Array, n: number, d: number) => Array.from({ length: n }, (_, i) => x.slice(i * d, i * d + d).join(','));

test('k distinct points, each repeated many times: the k seeds are the k distinct points (a seeded row has weight 0)', async () => {
  const d = 3, distinct = [[0, 0, 0], [1, 0, 0], [0, 5, 0], [0, 0, 9], [3, 3, 3]];
  const n = 500;
  const x = Float32Array.from({ length: n * d }, (_, t) => distinct[Math.floor(t / d) % distinct.length][t % d]);
  for (const seed of [1, 2, 3]) {
    const seeds = await kmeansPlusPlus(x, n, d, distinct.length, createRng(seed), { threads: 1 });
    assert.deepEqual(new Set(rowsOf(seeds, distinct.length, d)), new Set(distinct.map((p) => p.join(','))), `seed ${seed}`);
  }
});

test('every seed is a data row; the same rng gives the same seeds, another usually not', async () => {
  const rng = createRng(4);
  const n = 300, d = 4, k = 12;
  const x = Float32Array.from({ length: n * d }, () => rng.gaussian());
  const rows = new Set(rowsOf(x, n, d));
  const a = await kmeansPlusPlus(x, n, d, k, createRng(7), { threads: 1, blockRows: 64 });
  for (const r of rowsOf(a, k, d)) assert.ok(rows.has(r), `seed ${r} is a row`);
  assert.equal(new Set(rowsOf(a, k, d)).size, k, 'no row chosen twice');
  assert.deepEqual(await kmeansPlusPlus(x, n, d, k, createRng(7), { threads: 1 }), a, 'block size does not change the seeds');
  assert.notDeepEqual(await kmeansPlusPlus(x, n, d, k, createRng(8), { threads: 1 }), a);
});

test('D² sampling: a far outlier is seeded second far more often than a uniform draw would choose it', async () => {
  // 99 rows near 0 and one at 100: after a first seed near 0 the outlier carries almost all the potential.
  const n = 100, d = 1;
  const x = Float32Array.from({ length: n }, (_, i) => (i === n - 1 ? 100 : (i % 10) * 0.01));
  let outlier = 0;
  for (let s = 0; s < 20; s++) {
    const seeds = await kmeansPlusPlus(x, n, d, 2, createRng(100 + s), { threads: 1 });
    if (seeds[0] === 100 || seeds[1] === 100) outlier++;
  }
  assert.equal(outlier, 20);
});

test('onStep reports each centre from 1 to k, with k as the total', async () => {
  const rng = createRng(5);
  const x = Float32Array.from({ length: 50 * 2 }, () => rng.gaussian());
  const steps: [number, number | null][] = [];
  await kmeansPlusPlus(x, 50, 2, 4, createRng(1), { threads: 1 }, (done, total) => steps.push([done, total]));
  assert.deepEqual(steps, [[1, 4], [2, 4], [3, 4], [4, 4]]);
});
