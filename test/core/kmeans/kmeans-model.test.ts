import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestCentroids } from '../../../core/kmeans/hierarchical-kmeans.js';
import { decodeKMeansModel, encodeKMeansModel, type KMeansModel } from '../../../core/kmeans/kmeans-model.js';
import { fitKMeans } from '../../../core/kmeans/kmeans.js';
import { createRng } from '../../../core/util/random.js';

async function fitted(): Promise<{ x: Float32Array; n: number; d: number; model: KMeansModel }> {
  const rng = createRng(12);
  const n = 400, d = 5, k = 6;
  const x = Float32Array.from({ length: n * d }, () => rng.gaussian());
  const fit = await fitKMeans(x, n, d, { k, seed: 3, kernel: { threads: 1 } });
  return { x, n, d, model: { centroids: fit.centroids, k, dims: d, seed: 3, inertia: fit.inertia, iterations: fit.iterations, fitRows: n } };
}

test('a fitted model survives encode → JSON meta + arrays → decode and labels rows as before', async () => {
  const { x, n, d, model } = await fitted();
  const encoded = encodeKMeansModel(model);
  assert.deepEqual(Object.keys(encoded.arrays), ['centroids'], 'the centroids travel as an array, not inside the JSON');
  const decoded = decodeKMeansModel({ meta: JSON.parse(JSON.stringify(encoded.meta)), arrays: encoded.arrays });
  assert.deepEqual(decoded, model);
  assert.deepEqual(nearestCentroids(x, n, d, decoded.centroids, decoded.k), nearestCentroids(x, n, d, model.centroids, model.k));
});

test('decode refuses another format, a non-positive count and centroids of the wrong shape, saying which', async () => {
  const { model } = await fitted();
  const { meta, arrays } = encodeKMeansModel(model);
  const m = meta as Record<string, unknown>;
  assert.throws(() => decodeKMeansModel({ meta: { ...m, format: 'semclust.pca/1' }, arrays }), /not a k-means model: format semclust.pca\/1/);
  for (const key of ['k', 'dims', 'iterations', 'fitRows']) {
    assert.throws(() => decodeKMeansModel({ meta: { ...m, [key]: 0 }, arrays }), new RegExp(`meta.${key} must be a positive integer`));
  }
  assert.throws(() => decodeKMeansModel({ meta: { ...m, k: 5 }, arrays }), /"centroids" holds 30 values, expected 25/);
  assert.throws(() => decodeKMeansModel({ meta, arrays: { centroids: new Float64Array(30) } }), /"centroids" must be Float32Array/);
});
