import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeptSimilarity } from '../../../core/kernels/kept-similarity.js';
import { createRng } from '../../../core/util/random.js';
import { dedupOrder, semDeDup, type DedupKeep } from '../../../core/dedup/semdedup.js';

function unitRows(n: number, d: number, seed: number, copies: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    // Every `copies`-th row starts a group; the others are small perturbations of it.
    const base = i - (i % copies);
    for (let j = 0; j < d; j++) x[i * d + j] = i === base ? rng.gaussian() : x[base * d + j] + 0.08 * rng.gaussian();
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] ** 2;
    for (let j = 0; j < d; j++) x[i * d + j] /= Math.sqrt(s);
  }
  return x;
}

/** The rule stated directly: visit in order, compare with every kept row (double precision). */
function bruteForce(x: Float32Array, n: number, d: number, epsilon: number, order: Uint32Array): Uint8Array {
  const kept = new Uint8Array(n);
  const keptList: number[] = [];
  for (const i of order) {
    let best = -Infinity;
    for (const k of keptList) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j] * x[k * d + j];
      best = Math.max(best, s);
    }
    if (best < 1 - epsilon) {
      kept[i] = 1;
      keptList.push(i);
    }
  }
  return kept;
}

test('semDeDup equals the sequential rule for every keep order and block size (blocks smaller than, equal to and larger than n)', async () => {
  const n = 300;
  const d = 16;
  const x = unitRows(n, d, 7, 3);
  const kernel = await KeptSimilarity.create(d, 1);
  try {
    for (const keep of ['nearest', 'farthest', 'random'] as DedupKeep[]) {
      for (const blockRows of [1, 7, 64, 300, 1024]) {
        const epsilon = 0.05;
        const r = await semDeDup(kernel, x, n, d, { epsilon, keep, seed: 3, blockRows });
        const expected = bruteForce(x, n, d, epsilon, dedupOrder(x, n, d, keep, 3));
        assert.deepEqual(r.kept, expected, `${keep}, block ${blockRows}`);
        for (let i = 0; i < n; i++) {
          if (r.kept[i]) continue;
          // A dropped row names a kept row and the similarity that condemned it.
          const k = r.nearestKept[i];
          assert.equal(r.kept[k], 1);
          let s = 0;
          for (let j = 0; j < d; j++) s += x[i * d + j] * x[k * d + j];
          assert.ok(Math.abs(s - r.similarity[i]) < 1e-5 && s >= 1 - epsilon - 1e-6);
        }
      }
    }
    // Groups of 3 tight copies: one of each group survives at this ε, and no two groups merge.
    const r = await semDeDup(kernel, x, n, d, { epsilon: 0.05, keep: 'nearest', seed: 1 });
    assert.equal(r.kept.reduce((a, v) => a + v, 0), n / 3);
  } finally {
    await kernel.close();
  }
});

test('dedupOrder: nearest first by cosine to the centroid, farthest reverses it, ties by index', () => {
  // Rows at angles 0, 60, 30, 90 degrees from the centroid (1, 0).
  const x = new Float32Array([1, 0, 0.5, Math.sqrt(3) / 2, Math.sqrt(3) / 2, 0.5, 0, 1, 1, 0]);
  const c = new Float32Array([1, 0]);
  assert.deepEqual([...dedupOrder(x, 5, 2, 'nearest', 0, c)], [0, 4, 2, 1, 3]);
  assert.deepEqual([...dedupOrder(x, 5, 2, 'farthest', 0, c)], [3, 1, 2, 0, 4]);
  const shuffled = [...dedupOrder(x, 5, 2, 'random', 9, c)];
  assert.deepEqual([...shuffled].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual([...dedupOrder(x, 5, 2, 'random', 9, c)], shuffled);
});

test('semDeDup: ε = 0 keeps all but exact copies; identical rows collapse to the first visited', async () => {
  const x = new Float32Array([1, 0, 1, 0, 0, 1, 0.6, 0.8]);
  const kernel = await KeptSimilarity.create(2, 1);
  try {
    const r = await semDeDup(kernel, x, 4, 2, { epsilon: 1e-6, keep: 'nearest', seed: 0, centroid: new Float32Array([1, 0]) });
    assert.deepEqual([...r.kept], [1, 0, 1, 1]);
    assert.equal(r.nearestKept[1], 0);
    assert.equal(r.similarity[0], -Infinity);
  } finally {
    await kernel.close();
  }
});
