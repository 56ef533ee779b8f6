import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeansPickOrder } from '../../../core/sample/kmeans-picks.js';
import { farthestPointOrder } from '../../../core/sample/farthest-point.js';
import { createRng } from '../../../core/util/random.js';

/** Gaussian blobs (σ = 1) of the given sizes around the given centres in d dims, then `outliers` rows far out on axis 0. */
function blobs(sizes: number[], centres: number[][], d: number, outliers: number, seed: number): { x: Float32Array; n: number; blob: Int32Array } {
  const rng = createRng(seed);
  const n = sizes.reduce((a, b) => a + b, 0) + outliers;
  const x = new Float32Array(n * d);
  const blob = new Int32Array(n).fill(-1);
  let i = 0;
  sizes.forEach((size, b) => {
    for (let r = 0; r < size; r++, i++) {
      blob[i] = b;
      for (let j = 0; j < d; j++) x[i * d + j] = centres[b][j] + rng.gaussian();
    }
  });
  for (let r = 0; r < outliers; r++, i++) x[i * d] = 60 + 15 * r;
  return { x, n, blob };
}

/** Mean over rows of the squared distance to the nearest picked row. */
function meanSquaredToNearest(x: Float32Array, n: number, d: number, picks: Int32Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (const p of picks) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] - x[p * d + j]) ** 2;
      best = Math.min(best, s);
    }
    total += best;
  }
  return total / n;
}

test('three blobs and far outliers: one pick per blob, the biggest blob first, no outlier', async () => {
  const d = 4;
  const { x, n, blob } = blobs([60, 30, 12], [[0, 0, 0, 0], [0, 20, 0, 0], [0, 0, 20, 0]], d, 3, 5);
  const picks = await kmeansPickOrder(x, n, d, 3, 42);
  assert.deepEqual(Array.from(picks, (p) => blob[p]), [0, 1, 2]);
  // Farthest-point traversal takes the outliers as soon as it leaves the centre.
  const far = farthestPointOrder(x, n, d, 3);
  assert.ok(Array.from(far).some((p) => blob[p] === -1), 'farthest-point picks an outlier');
});

test('covers the rows better than farthest-point picks on a mixture with outliers', async () => {
  const d = 8;
  const centres = Array.from({ length: 6 }, (_, b) => Array.from({ length: d }, (_, j) => (j === b ? 8 : 0)));
  const { x, n } = blobs([200, 120, 80, 40, 20, 10], centres, d, 8, 11);
  for (const count of [6, 20, 50]) {
    const ours = meanSquaredToNearest(x, n, d, await kmeansPickOrder(x, n, d, count, 7));
    const far = meanSquaredToNearest(x, n, d, farthestPointOrder(x, n, d, count));
    assert.ok(ours < far, `${count} picks: mean squared distance ${ours} ≥ farthest-point's ${far}`);
  }
});

test('seeded: the same seed gives the same picks; picks are distinct rows', async () => {
  const d = 5;
  const { x, n } = blobs([150, 90], [[0, 0, 0, 0, 0], [6, 6, 0, 0, 0]], d, 0, 3);
  const a = await kmeansPickOrder(x, n, d, 25, 9);
  assert.deepEqual(Array.from(await kmeansPickOrder(x, n, d, 25, 9)), Array.from(a));
  assert.equal(new Set(a).size, 25);
  assert.ok(Array.from(a).every((p) => p >= 0 && p < n));
});

test('duplicate rows: fewer distinct points than picks still gives distinct rows', async () => {
  // Three distinct points, each three times: k-means with 5 centres leaves cells empty.
  const x = Float32Array.of(0, 0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 5, 9, 0, 9, 0, 9, 0);
  const picks = await kmeansPickOrder(x, 9, 2, 5, 1);
  assert.equal(picks.length, 5);
  assert.equal(new Set(picks).size, 5);
  // Each distinct point is covered before any is taken twice.
  assert.deepEqual(new Set(Array.from(picks.subarray(0, 3), (p) => x[p * 2] + x[p * 2 + 1])), new Set([0, 10, 9]));
});

test('edges: every row when count ≥ n, none for 0, a short x refused', async () => {
  const x = Float32Array.of(0, 1, 2, 3, 4, 5);
  assert.deepEqual(Array.from(await kmeansPickOrder(x, 3, 2, 10, 1)), [0, 1, 2]);
  assert.equal((await kmeansPickOrder(x, 3, 2, 0, 1)).length, 0);
  await assert.rejects(kmeansPickOrder(x, 4, 2, 1, 1), RangeError);
});

test('one pick is the row nearest the mean, as k-means with one centre gives, without fitting', async () => {
  const { x, n } = blobs([40, 25], [[0, 0, 0], [6, 0, 0]], 3, 2, 11);
  const [pick] = await kmeansPickOrder(x, n, 3, 1, 5);
  const mean = [0, 1, 2].map((j) => Array.from({ length: n }, (_, i) => x[i * 3 + j]).reduce((a, b) => a + b, 0) / n);
  let nearest = -1;
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const s = (x[i * 3] - mean[0]) ** 2 + (x[i * 3 + 1] - mean[1]) ** 2 + (x[i * 3 + 2] - mean[2]) ** 2;
    if (s < best) [best, nearest] = [s, i];
  }
  assert.equal(pick, nearest);
});
