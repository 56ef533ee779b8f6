import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitKMeans } from '../../../core/kmeans/kmeans.js';
import { kmeansParallel } from '../../../core/kmeans/kmeans-parallel.js';
import { kmeansPlusPlus } from '../../../core/kmeans/kmeans-plusplus.js';
import { createRng } from '../../../core/util/random.js';

const kernel = { threads: 1 };

/** `perBlob` rows around each of k random centres (scale `scale`, noise `spread`), in blob order. */
function blobs(k: number, d: number, perBlob: number, scale: number, spread: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = Float32Array.from({ length: k * d }, () => scale * rng.gaussian());
  const x = new Float32Array(k * perBlob * d);
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < perBlob; r++) {
      for (let j = 0; j < d; j++) x[(c * perBlob + r) * d + j] = centres[c * d + j] + spread * rng.gaussian();
    }
  }
  return x;
}

/** The index of the row of x equal to centre c, or -1. */
function rowOf(x: Float32Array, n: number, d: number, centres: Float32Array, c: number): number {
  for (let i = 0; i < n; i++) {
    let same = true;
    for (let j = 0; j < d && same; j++) same = x[i * d + j] === centres[c * d + j];
    if (same) return i;
  }
  return -1;
}

test('k-means|| seeds one centre in each of k well-separated blobs, each a data row', async () => {
  const k = 25, d = 6, perBlob = 80, n = k * perBlob;
  const x = blobs(k, d, perBlob, 20, 0.3, 1);
  for (const seed of [1, 2, 3]) {
    const centres = await kmeansParallel(x, n, d, k, createRng(seed), kernel);
    const hit = new Set<number>();
    for (let c = 0; c < k; c++) {
      const row = rowOf(x, n, d, centres, c);
      assert.ok(row >= 0, `seed ${seed}: centre ${c} is not a row of x`);
      hit.add(Math.floor(row / perBlob));
    }
    assert.equal(hit.size, k, `seed ${seed}: two centres share a blob`);
  }
});

test('k-means|| gives the same centres with 1 and 2 threads and across block sizes; other seeds differ', async () => {
  const k = 40, d = 16, perBlob = 60, n = k * perBlob;
  const x = blobs(k, d, perBlob, 1, 0.5, 2); // overlapping blobs: many near-ties to decide alike
  const one = await kmeansParallel(x, n, d, k, createRng(7), { threads: 1 });
  const two = await kmeansParallel(x, n, d, k, createRng(7), { threads: 2, blockRows: 333 });
  assert.deepEqual(two, one);
  assert.notDeepEqual(await kmeansParallel(x, n, d, k, createRng(8), { threads: 1 }), one);
});

test('k-means|| then Lloyd ends within 1% of greedy k-means++ then Lloyd on overlapping blobs (mean of 8 seeds)', async () => {
  const k = 30, d = 8, perBlob = 50, n = k * perBlob;
  const x = blobs(k, d, perBlob, 1, 0.4, 3);
  let parallel = 0, greedy = 0;
  for (let seed = 0; seed < 8; seed++) {
    parallel += (await fitKMeans(x, n, d, { k, seed, seeding: 'k-means||', kernel })).inertia;
    greedy += (await fitKMeans(x, n, d, { k, seed, seeding: 'k-means++', kernel })).inertia;
  }
  assert.ok(parallel <= 1.01 * greedy, `k-means|| ${parallel / 8} vs k-means++ ${greedy / 8}`);
});

test('k-means|| on fewer distinct rows than k returns k centres covering every distinct row', async () => {
  const distinct = 7, d = 3, k = 10, copies = 20, n = distinct * copies;
  const base = blobs(distinct, d, 1, 5, 0, 4);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) x.set(base.subarray((i % distinct) * d, (i % distinct + 1) * d), i * d);
  const centres = await kmeansParallel(x, n, d, k, createRng(1), kernel);
  assert.equal(centres.length, k * d);
  const found = new Set<number>();
  for (let c = 0; c < k; c++) {
    const row = rowOf(x, n, d, centres, c);
    assert.ok(row >= 0, `centre ${c} is not a row of x`);
    found.add(row % distinct);
  }
  assert.equal(found.size, distinct);
});

test('weighted k-means++ never picks a row of weight 0 and favours heavy rows', async () => {
  const n = 400, d = 4, k = 5;
  const x = blobs(n, d, 1, 1, 0, 6);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i += 10) weights[i] = 1 + (i % 3);
  const centres = await kmeansPlusPlus(x, n, d, k, createRng(2), kernel, undefined, weights);
  for (let c = 0; c < k; c++) {
    const row = rowOf(x, n, d, centres, c);
    assert.ok(row >= 0 && weights[row] > 0, `centre ${c} is row ${row}, weight ${weights[row]}`);
  }
  // Two rows far apart, one of weight 1,000 and one of weight 1: the first centre is drawn in
  // proportion to weight, so over 50 seeds the heavy row comes first far more often.
  const pair = Float32Array.of(0, 0, 0, 0, 9, 9, 9, 9);
  let heavyFirst = 0;
  for (let seed = 0; seed < 50; seed++) {
    const [first] = await kmeansPlusPlus(pair, 2, d, 1, createRng(seed), kernel, undefined, Float64Array.of(1000, 1));
    if (first === 0) heavyFirst++;
  }
  assert.ok(heavyFirst >= 45, `heavy row first in ${heavyFirst} of 50`);
});
