import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { KnnIndex, selfKnn, type KnnStats, type UmapMetric } from '../../../core/umap/knn.js';
import { bruteDistance } from '../../support/brute-distance.js';

function randomRows(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * dim }, () => rng.gaussian());
}

/** Distances to the k nearest rows of `ref`, ascending, by exhaustive search. */
function bruteKnn(metric: UmapMetric, q: Float32Array, i: number, ref: Float32Array, dim: number, k: number, skip = -1): number[] {
  const d: number[] = [];
  for (let j = 0; j < ref.length / dim; j++) if (j !== skip) d.push(bruteDistance(metric, q, i, ref, j, dim));
  return d.sort((x, y) => x - y).slice(0, k);
}

for (const metric of ['cosine', 'euclidean'] as const) {
  test(`${metric}: selfKnn equals brute force, self first at distance 0, across several blocks`, async () => {
    // 4,500 rows make three blocks, so cross-block pairs in both directions are exercised.
    const n = 4500, dim = 8, k = 10;
    const data = randomRows(n, dim, 1);
    const nb = await selfKnn(data, dim, { k, metric });
    for (let i = 0; i < n; i += 37) {
      assert.equal(nb.indices[i * k], i);
      assert.equal(nb.distances[i * k], 0);
      const want = bruteKnn(metric, data, i, data, dim, k - 1, i);
      for (let j = 1; j < k; j++) {
        assert.ok(Math.abs(nb.distances[i * k + j] - want[j - 1]) < 1e-5, `row ${i} neighbour ${j}`);
        const idx = nb.indices[i * k + j];
        assert.ok(Math.abs(bruteDistance(metric, data, i, data, idx, dim) - nb.distances[i * k + j]) < 1e-5);
      }
    }
  });

  test(`${metric}: KnnIndex.query equals brute force and finds duplicates at exactly 0`, async () => {
    const n = 700, dim = 12, k = 7;
    const ref = randomRows(n, dim, 2);
    const queries = randomRows(50, dim, 3);
    queries.set(ref.subarray(5 * dim, 6 * dim), 0); // query 0 duplicates reference row 5
    const index = await KnnIndex.create(ref, dim, { k, metric });
    try {
      const nb = await index.query(queries);
      assert.equal(nb.indices[0], 5);
      assert.equal(nb.distances[0], 0);
      for (let i = 0; i < 50; i++) {
        const want = bruteKnn(metric, queries, i, ref, dim, k);
        for (let j = 0; j < k; j++) assert.ok(Math.abs(nb.distances[i * k + j] - want[j]) < 1e-5, `query ${i} neighbour ${j}`);
      }
    } finally {
      await index.close();
    }
  });
}

test('selfKnn puts the row first even among more than k identical rows', async () => {
  const dim = 4, k = 5;
  const data = new Float32Array(20 * dim).fill(1); // all identical
  const nb = await selfKnn(data, dim, { k, metric: 'euclidean' });
  for (let i = 0; i < 20; i++) {
    assert.equal(nb.indices[i * k], i);
    const others = Array.from(nb.indices.subarray(i * k + 1, (i + 1) * k));
    assert.equal(new Set(others).size, k - 1);
    assert.ok(!others.includes(i));
    for (let j = 0; j < k; j++) assert.equal(nb.distances[i * k + j], 0);
  }
});

/** Unit rows around 40 directions, like normalised text embeddings. */
function clustered(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = Float32Array.from({ length: 40 * dim }, () => rng.gaussian());
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.int(40);
    for (let t = 0; t < dim; t++) x[i * dim + t] = centres[c * dim + t] + 0.5 * rng.gaussian();
  }
  return x;
}

test('KnnIndex settles nearly all rows of clustered data from int8 candidates, exactly', async () => {
  const dim = 64, k = 15;
  const ref = clustered(3000, dim, 4), queries = clustered(400, dim, 5);
  const stats: KnnStats = { rows: 0, fallbackRows: 0 };
  const index = await KnnIndex.create(ref, dim, { k, metric: 'cosine', stats });
  try {
    const nb = await index.query(queries);
    assert.equal(stats.rows, 400);
    assert.ok(stats.fallbackRows < 20, `${stats.fallbackRows} rows needed float32`);
    for (let i = 0; i < 400; i += 7) {
      const want = bruteKnn('cosine', queries, i, ref, dim, k);
      for (let j = 0; j < k; j++) assert.ok(Math.abs(nb.distances[i * k + j] - want[j]) < 1e-5, `query ${i} neighbour ${j}`);
    }
  } finally {
    await index.close();
  }
});

test('rows the int8 bound cannot settle (near-duplicates finer than its step) are searched in float32, exactly', async () => {
  const dim = 16, k = 5, rng = createRng(6);
  const base = Float32Array.from({ length: dim }, () => 10 * rng.gaussian());
  // 300 points within 1e-3 of one another, far from the origin: int8 steps are ~0.2.
  const ref = Float32Array.from({ length: 300 * dim }, (_, i) => base[i % dim] + 1e-3 * rng.next());
  const queries = Float32Array.from({ length: 20 * dim }, (_, i) => base[i % dim] + 1e-3 * rng.next());
  const stats: KnnStats = { rows: 0, fallbackRows: 0 };
  const index = await KnnIndex.create(ref, dim, { k, metric: 'euclidean', stats });
  try {
    const nb = await index.query(queries);
    assert.equal(stats.fallbackRows, 20);
    for (let i = 0; i < 20; i++) {
      const want = bruteKnn('euclidean', queries, i, ref, dim, k);
      for (let j = 0; j < k; j++) assert.ok(Math.abs(nb.distances[i * k + j] - want[j]) < 1e-7, `query ${i} neighbour ${j}`);
    }
  } finally {
    await index.close();
  }
});
