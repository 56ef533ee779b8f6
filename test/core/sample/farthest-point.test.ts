import { test } from 'node:test';
import assert from 'node:assert/strict';
import { farthestPointOrder, farthestPoints } from '../../../core/sample/farthest-point.js';
import { farthestPointKernel, paddedDim } from '../../../core/kernels/farthest-point-kernel.js';
import { createRng } from '../../../core/util/random.js';

test('points on a line: worked by hand', () => {
  // Values 0, 1, 2, 3, 10; their mean 3.2 is nearest row 3. From 3 the farthest is 10 (row 4).
  // Squared distances to {3, 10}: 0 → 9, 1 → 4, 2 → 1, so row 0. Then rows 1 and 2 are both
  // 1 away from {0, 3}: the tie goes to row 1, and row 2 comes last.
  const x = Float32Array.of(0, 1, 2, 3, 10);
  assert.deepEqual(Array.from(farthestPointOrder(x, 5, 1, 5)), [3, 4, 0, 1, 2]);
  assert.deepEqual(Array.from(farthestPointOrder(x, 5, 1, 2)), [3, 4]);
});

test('unit square and its centre, from a given centroid: worked by hand', () => {
  // Rows: (0,0) (1,0) (0,1) (1,1) (.5,.5). Centroid (0,0) starts at row 0; row 3 is farthest (2).
  // Rows 1 and 2 are then 1 from {0, 3} and the centre .5, so row 1 (lowest index), then row 2
  // (still 1 away), then the centre.
  const x = Float32Array.of(0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5);
  assert.deepEqual(Array.from(farthestPointOrder(x, 5, 2, 5, Float32Array.of(0, 0))), [0, 3, 1, 2, 4]);
  // Without a centroid the mean (.5,.5) starts at the centre, and all corners tie at .5: row 0.
  assert.deepEqual(Array.from(farthestPointOrder(x, 5, 2, 2)), [4, 0]);
});

test('duplicates are each taken once; count is capped at n', () => {
  const x = new Float32Array(6 * 3).fill(0.25);
  assert.deepEqual(Array.from(farthestPointOrder(x, 6, 3, 10)), [0, 1, 2, 3, 4, 5]);
  assert.equal(farthestPointOrder(x, 6, 3, 0).length, 0);
  assert.equal(farthestPointOrder(x, 0, 3, 4).length, 0);
  assert.throws(() => farthestPointOrder(x, 7, 3, 1), RangeError);
  assert.throws(() => farthestPointOrder(x, 6, 3, 1, new Float32Array(2)), RangeError);
});

/** Brute force: each step recomputes every candidate's distance to every chosen row. */
function referenceOrder(x: Float32Array, n: number, d: number, count: number, centroid?: Float32Array): number[] {
  const dist = (i: number, p: ArrayLike<number>, po: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (x[i * d + j] - p[po + j]) ** 2;
    return s;
  };
  const c = centroid ?? Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * d + j];
    return s / n;
  });
  let first = 0;
  for (let i = 1; i < n; i++) if (dist(i, c, 0) < dist(first, c, 0)) first = i;
  const chosen = [first];
  while (chosen.length < Math.min(count, n)) {
    let best = -1, bestDist = -1;
    for (let i = 0; i < n; i++) {
      if (chosen.includes(i)) continue;
      const m = Math.min(...chosen.map((p) => dist(i, x, p * d)));
      if (m > bestDist) {
        bestDist = m;
        best = i;
      }
    }
    chosen.push(best);
  }
  return chosen;
}

test('equals the brute-force farthest-point sequence on random data', () => {
  const rng = createRng(21);
  for (const [n, d, count] of [[300, 7, 40], [257, 33, 257], [50, 384, 12]]) {
    const x = Float32Array.from({ length: n * d }, () => rng.gaussian());
    assert.deepEqual(Array.from(farthestPointOrder(x, n, d, count)), referenceOrder(x, n, d, count), `${n}×${d}`);
    const centroid = x.slice(5 * d, 6 * d);
    const order = farthestPointOrder(x, n, d, count, centroid);
    assert.equal(order[0], 5, 'a row equal to the centroid is nearest to it');
    assert.deepEqual(Array.from(order), referenceOrder(x, n, d, count, centroid));
  }
});

test('a later, smaller call ignores rows and distances an earlier call left in the kernel memory', () => {
  // The WebAssembly memory is reused per dimensionality: padding lanes (d = 7 → 8) and padding
  // rows (n = 50 → 52) must be rewritten, or stale rows would be picked or stale distances kept.
  const rng = createRng(5);
  const big = Float32Array.from({ length: 300 * 7 }, () => 100 * rng.gaussian());
  farthestPointOrder(big, 300, 7, 300);
  const small = Float32Array.from({ length: 50 * 7 }, () => rng.gaussian());
  assert.deepEqual(Array.from(farthestPointOrder(small, 50, 7, 50)), referenceOrder(small, 50, 7, 50));
});

test('a cluster beyond the 4 GiB WebAssembly memory is refused with the way out', () => {
  assert.throws(() => farthestPointKernel(9, 5 * 2 ** 30), /at most 4 GiB.*--within random/);
});

/**
 * The traversal without pruning: every pick runs the kernel over all n rows and keeps each row's
 * minimum, so its float32 distances are the ones the pruned traversal reads or skips.
 */
function unprunedOrder(x: Float32Array, n: number, d: number, count: number, centroid?: Float32Array): number[] {
  const order = [farthestPointOrder(x, n, d, 1, centroid)[0]];
  const pd = paddedDim(d);
  const n4 = Math.ceil(n / 4) * 4;
  const kernel = farthestPointKernel(d, (n * pd + 2 * n4) * 4);
  const rows = new Float32Array(kernel.buffer, 0, n * pd);
  for (let i = 0; i < n; i++) rows.set(Float32Array.from({ length: pd }, (_, j) => (j < d ? x[i * d + j] : 0)), i * pd);
  const list = new Int32Array(kernel.buffer, n * pd * 4, n4).fill(0);
  for (let i = 0; i < n; i++) list[i] = i;
  const out = new Float32Array(kernel.buffer, (n * pd + n4) * 4, n4);
  const min = new Float32Array(n).fill(Infinity);
  const taken = new Set(order);
  while (order.length < Math.min(count, n)) {
    kernel.dist(0, n * pd * 4, n4, order[order.length - 1] * pd * 4, (n * pd + n4) * 4);
    let best = -1;
    for (let i = 0; i < n; i++) {
      min[i] = Math.min(min[i], out[i]);
      if (!taken.has(i) && (best < 0 || min[i] > min[best])) best = i;
    }
    order.push(best);
    taken.add(best);
  }
  return order;
}

/** k tight blobs of `per` rows around centres spread `spread` apart, in d dimensions. */
function blobs(rng: ReturnType<typeof createRng>, k: number, per: number, d: number, spread: number): Float32Array {
  const x = new Float32Array(k * per * d);
  for (let b = 0; b < k; b++) {
    const centre = Array.from({ length: d }, () => spread * rng.gaussian());
    for (let i = 0; i < per; i++) for (let j = 0; j < d; j++) x[(b * per + i) * d + j] = centre[j] + rng.gaussian();
  }
  return x;
}

test('pruned picks equal the unpruned traversal on random, clustered, duplicated and tied inputs', () => {
  const rng = createRng(77);
  const cases: [string, Float32Array, number, number][] = [];
  for (const [n, d] of [[200, 1], [333, 3], [500, 16], [400, 37], [300, 384]]) {
    cases.push([`gaussian ${n}×${d}`, Float32Array.from({ length: n * d }, () => rng.gaussian()), n, d]);
    cases.push([`uniform ${n}×${d}`, Float32Array.from({ length: n * d }, () => rng.next()), n, d]);
  }
  for (const [k, per, d, spread] of [[12, 40, 2, 20], [30, 20, 16, 10], [8, 60, 64, 3], [50, 10, 384, 1]]) {
    cases.push([`${k} blobs × ${per}, ${d}-d, spread ${spread}`, blobs(rng, k, per, d, spread), k * per, d]);
  }
  // Small integer grids: many exactly equal distances, and new picks exactly 2·u from a row's
  // nearest pick, where the bound holds with equality and the tie rule decides.
  for (const [n, d, side] of [[300, 2, 6], [256, 3, 4], [200, 5, 2]]) {
    cases.push([`integer grid ${n}×${d} (side ${side})`, Float32Array.from({ length: n * d }, () => Math.floor(rng.next() * side)), n, d]);
  }
  // Exact duplicates of a few rows.
  const base = Float32Array.from({ length: 20 * 8 }, () => rng.gaussian());
  cases.push(['20 rows × 10 copies, 8-d', Float32Array.from({ length: 200 * 8 }, (_, o) => base[(Math.floor(o / 8) % 20) * 8 + (o % 8)]), 200, 8]);

  for (const [name, x, n, d] of cases) {
    for (const count of [n, 37]) {
      assert.deepEqual(Array.from(farthestPointOrder(x, n, d, count)), unprunedOrder(x, n, d, count), `${name}, ${count} picks`);
    }
    const centroid = x.slice(3 * d, 4 * d);
    assert.deepEqual(Array.from(farthestPointOrder(x, n, d, 50, centroid)), unprunedOrder(x, n, d, 50, centroid), `${name}, from row 3`);
  }
});

test('on clustered rows most distances are skipped, and the picks still match the unpruned traversal', () => {
  // 40 blobs far apart: once each blob has a pick, a new pick in one blob cannot come nearer to
  // the rows of the others, so those groups are not read.
  const rng = createRng(3);
  const [k, per, d, count] = [40, 50, 16, 200];
  const x = blobs(rng, k, per, d, 30);
  const { order, rowsRead } = farthestPoints(x, k * per, d, count);
  assert.deepEqual(Array.from(order), unprunedOrder(x, k * per, d, count));
  assert.equal(new Set(Array.from(order.subarray(0, k)).map((r) => Math.floor(r / per))).size, k, 'the first k picks are one per blob');
  const unpruned = k * per * (count - 1);
  assert.ok(rowsRead < unpruned / 5, `${rowsRead} of ${unpruned} row distances computed`);
});
