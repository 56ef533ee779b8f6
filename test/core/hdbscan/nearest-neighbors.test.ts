import type { Neighbors } from '../../../core/util/neighbors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { BlockTopK } from '../../../core/hdbscan/block-top-k.js';
import { buildKdTree } from '../../../core/hdbscan/kd-tree.js';
import { nearestNeighbors } from '../../../core/hdbscan/nearest-neighbors.js';
import { blobs } from '../../support/noisy-blobs.js';

function bruteForce(data: Float32Array, n: number, queries: Float32Array, m: number, d: number, k: number) {
  const indices = new Int32Array(m * k);
  const distances = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    const all = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let t = 0; t < d; t++) s += (queries[i * d + t] - data[j * d + t]) ** 2;
      return { j, s };
    });
    all.sort((a, b) => a.s - b.s || a.j - b.j);
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = all[t].j;
      distances[i * k + t] = Math.sqrt(all[t].s);
    }
  }
  return { indices, distances };
}

/** Same distances as the reference, and every listed row really is at its listed distance. */
function assertNeighbors(
  got: Neighbors<Float64Array>,
  want: { distances: Float64Array },
  data: Float32Array,
  queries: Float32Array,
  m: number,
  d: number,
  k: number,
): void {
  assert.deepEqual([got.rows, got.k, got.indices.length, got.distances.length], [m, k, m * k, m * k]);
  for (let i = 0; i < m; i++) {
    assert.equal(new Set(got.indices.subarray(i * k, i * k + k)).size, k, 'no row listed twice');
    for (let t = 0; t < k; t++) {
      const w = want.distances[i * k + t];
      assert.ok(Math.abs(got.distances[i * k + t] - w) <= 1e-9 * (1 + w));
      const j = got.indices[i * k + t];
      let s = 0;
      for (let u = 0; u < d; u++) s += (queries[i * d + u] - data[j * d + u]) ** 2;
      assert.ok(Math.abs(Math.sqrt(s) - w) <= 1e-9 * (1 + w));
    }
  }
}

test('nearest neighbours equal a brute-force search, for the fitted rows and for new rows', async () => {
  const n = 1500;
  const d = 6;
  const k = 12;
  const data = blobs(n, d, 2);
  const fresh = blobs(200, d, 3);
  const tree = buildKdTree(data, n, d, 16);
  const kernel = await BlockTopK.create(d, 1);
  try {
    for (const [queries, m] of [[data, n], [fresh, 200]] as const) {
      const want = bruteForce(data, n, queries, m, d, k);
      // Small blocks force many kernel calls per group and set-aside sparse queries.
      for (const blocks of [undefined, { bucketRows: 16, groupRows: 32, firstRows: 32, chunkRows: 64 }]) {
        const got = await nearestNeighbors(tree, kernel, queries, m, k, blocks);
        assert.deepEqual(got.indices, want.indices);
        assertNeighbors(got, want, data, queries, m, d, k);
      }
    }
  } finally {
    await kernel.close();
  }
});

test('nearest neighbours are exact among many equal distances and repeated rows, ties by lower index', async () => {
  // Integer grid with every row present twice: distances tie everywhere.
  const d = 3;
  const side = 6;
  const n = 2 * side ** 3;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % side ** 3;
    data[i * d] = c % side;
    data[i * d + 1] = Math.floor(c / side) % side;
    data[i * d + 2] = Math.floor(c / side ** 2);
  }
  const tree = buildKdTree(data, n, d, 8);
  const kernel = await BlockTopK.create(d, 1);
  try {
    const want = bruteForce(data, n, data, n, d, 9);
    for (const blocks of [undefined, { bucketRows: 8, groupRows: 16, firstRows: 16, chunkRows: 32 }]) {
      const got = await nearestNeighbors(tree, kernel, data, n, 9, blocks);
      assert.deepEqual(got.indices, want.indices, 'equal distances in order of row index, however the search is chunked');
      assertNeighbors(got, want, data, data, n, d, 9);
    }
  } finally {
    await kernel.close();
  }
});

test('nearest neighbours stay exact when a tight clump sits inside a wide group (float32 cancellation)', async () => {
  // 80 points within 1e-3 of (50, …, 50) among spread points: in float32, ‖q‖² − 2q·r + ‖r‖²
  // cannot rank the clump's members against each other, so the search must not trust it there.
  const d = 8;
  const rng = createRng(8);
  const n = 1200;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) data[i * d + j] = i < 80 ? 50 + 1e-3 * rng.gaussian() : 50 + 20 * rng.gaussian();
  }
  const tree = buildKdTree(data, n, d, 16);
  const kernel = await BlockTopK.create(d, 1);
  try {
    const got = await nearestNeighbors(tree, kernel, data, n, 10);
    assertNeighbors(got, bruteForce(data, n, data, n, d, 10), data, data, n, d, 10);
  } finally {
    await kernel.close();
  }
});
