import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CandidateHeaps, finishRow, type ExactContext } from '../../../core/umap/knn-exact.js';
import type { UmapMetric } from '../../../core/umap/knn.js';
import { squaredNorms } from '../../../core/umap/knn-rows.js';
import { createRng, shuffleInPlace } from '../../../core/util/random.js';
import { bruteDistance } from '../../support/brute-distance.js';

test('CandidateHeaps keeps the best `size` scores offered per row, skips the row itself, and adds the block offset', () => {
  const rng = createRng(2);
  const size = 5, rows = 3;
  const heaps = new CandidateHeaps(rows, size);
  const offered: { s: number; j: number }[][] = [[], [], []];
  for (let block = 0; block < 6; block++) {
    for (let row = 0; row < rows; row++) {
      const count = 8;
      const scores = Float32Array.from({ length: count }, () => Math.fround(rng.next())).sort().reverse();
      const index = BigInt64Array.from({ length: count }, (_, c) => BigInt(c));
      heaps.offer(row, scores, index, 0, count, 1, block * 100, /* skip */ 101);
      scores.forEach((s, c) => block * 100 + c !== 101 && offered[row].push({ s, j: block * 100 + c }));
    }
  }
  const score = new Float32Array(size), index = new Int32Array(size);
  for (let row = 0; row < rows; row++) {
    heaps.sorted(row, score, index);
    const want = offered[row].sort((a, b) => b.s - a.s).slice(0, size);
    assert.deepEqual([...score], want.map((w) => w.s), `row ${row} scores`);
    for (let t = 0; t < size; t++) assert.ok(offered[row].some((o) => o.j === index[t] && o.s === score[t]), `row ${row} index ${index[t]}`);
    assert.ok(!index.includes(101));
    assert.equal(heaps.floor[row], want[size - 1].s);
  }
});

test('integer scores are scaled into the heap; a row stays unfilled (−Infinity, −1) until offered enough', () => {
  const heaps = new CandidateHeaps(1, 3);
  heaps.offer(0, Int32Array.of(100, 50), BigInt64Array.of(7n, 9n), 0, 2, 0.01, 0, -1);
  const score = new Float32Array(3), index = new Int32Array(3);
  heaps.sorted(0, score, index);
  assert.deepEqual([...score], [1, 0.5, -Infinity]);
  assert.deepEqual([...index], [7, 9, -1]);
  assert.equal(heaps.floor[0], -Infinity);
});

function bruteForce(metric: UmapMetric, q: Float32Array, i: number, r: Float32Array, m: number, dim: number, k: number) {
  const ds = Array.from({ length: m }, (_, j) => ({ j, d: bruteDistance(metric, q, i, r, j, dim) }));
  return ds.sort((a, b) => a.d - b.d || a.j - b.j).slice(0, k);
}

for (const metric of ['euclidean', 'cosine'] as const) {
  test(`${metric}: finishRow over all candidates gives the exact k nearest, ascending, self first at 0 when asked`, () => {
    const rng = createRng(metric === 'cosine' ? 4 : 5);
    const dim = 6, m = 80, k = 7;
    const reference = Float32Array.from({ length: m * dim }, () => rng.gaussian());
    const query = Float32Array.from({ length: 3 * dim }, () => rng.gaussian());
    const c: ExactContext = { metric, dim, query, reference, queryNorms: squaredNorms(metric, query, dim), refNorms: squaredNorms(metric, reference, dim) };
    const cand = shuffleInPlace(Int32Array.from({ length: m }, (_, j) => j), rng);
    const out = { rows: 3, k, indices: new Int32Array(3 * k), distances: new Float32Array(3 * k) };
    for (let i = 0; i < 3; i++) {
      assert.equal(finishRow(c, i, cand, null, 0, m, 0, -Infinity, out, i, -1), true);
      const want = bruteForce(metric, query, i, reference, m, dim, k);
      assert.deepEqual([...out.indices.subarray(i * k, i * k + k)], want.map((w) => w.j));
      want.forEach((w, t) => assert.ok(Math.abs(out.distances[i * k + t] - w.d) < 1e-6));
    }
    // As a self search: reference row 11 is the query, listed first at 0 and not again.
    const self: ExactContext = { ...c, query: reference, queryNorms: c.refNorms };
    assert.equal(finishRow(self, 11, cand, null, 0, m, 0, -Infinity, out, 0, 11), true);
    assert.equal(out.indices[0], 11);
    assert.equal(out.distances[0], 0);
    const want = bruteForce(metric, reference, 11, reference, m, dim, k + 1).filter((w) => w.j !== 11).slice(0, k - 1);
    assert.deepEqual([...out.indices.subarray(1, k)], want.map((w) => w.j));
    // No proof when non-candidates could score above the k-th.
    assert.equal(finishRow(c, 0, cand, null, 0, m, 0, Infinity, out, 0, -1), false);
  });
}

test('with approximate scores and a valid error bound the early stop still finds the exact k nearest', () => {
  const rng = createRng(6);
  const dim = 4, m = 300, k = 5;
  const reference = Float32Array.from({ length: m * dim }, () => rng.gaussian());
  const query = Float32Array.from({ length: dim }, () => rng.gaussian());
  const c: ExactContext = { metric: 'euclidean', dim, query, reference, queryNorms: null, refNorms: null };
  const eps = 0.05;
  // Approximate score: −½ d² plus noise within ±eps/2, candidates in descending approximate order.
  const scored = Array.from({ length: m }, (_, j) => {
    let ss = 0;
    for (let t = 0; t < dim; t++) ss += (query[t] - reference[j * dim + t]) ** 2;
    return { j, s: -ss / 2 + (rng.next() - 0.5) * eps };
  }).sort((a, b) => b.s - a.s);
  const cand = Int32Array.from(scored, (e) => e.j);
  const approx = Float32Array.from(scored, (e) => e.s);
  const out = { rows: 1, k, indices: new Int32Array(k), distances: new Float32Array(k) };
  finishRow(c, 0, cand, approx, 0, m, eps, -Infinity, out, 0, -1);
  assert.deepEqual([...out.indices], bruteForce('euclidean', query, 0, reference, m, dim, k).map((w) => w.j));
});
