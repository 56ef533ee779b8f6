import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPca, projectPca } from '../../../core/pca/pca.js';
import { decodePcaModel, encodePcaModel } from '../../../core/pca/pca-model.js';
import { createRng } from '../../../core/util/random.js';

function fitted() {
  const rng = createRng(4);
  const n = 300, d = 6;
  const x = Float32Array.from({ length: n * d }, (_, i) => rng.gaussian() * (1 + (i % d)));
  return { x, n, pca: fitPca(x, n, d, 3) };
}

test('a PCA survives encode → JSON meta + arrays → decode and projects exactly as before', () => {
  const { x, n, pca } = fitted();
  const encoded = encodePcaModel(pca);
  const decoded = decodePcaModel({ meta: JSON.parse(JSON.stringify(encoded.meta)), arrays: encoded.arrays });
  assert.deepEqual(decoded, pca);
  assert.deepEqual(projectPca(decoded, x, n), projectPca(pca, x, n));
});

test('decode refuses another format, bad counts and arrays of the wrong shape', () => {
  const encoded = encodePcaModel(fitted().pca);
  const meta = encoded.meta as Record<string, unknown>;
  assert.throws(() => decodePcaModel({ meta: { ...meta, format: 'semclust.kmeans/1' }, arrays: encoded.arrays }), /not a PCA model: format semclust.kmeans\/1/);
  assert.throws(() => decodePcaModel({ meta: { ...meta, count: 0 }, arrays: encoded.arrays }), /meta.dims and meta.count must be positive integers/);
  assert.throws(() => decodePcaModel({ meta: { ...meta, dims: 2.5 }, arrays: encoded.arrays }), /positive integers/);
  assert.throws(() => decodePcaModel({ meta, arrays: { ...encoded.arrays, components: new Float32Array(5) } }), /"components" holds 5 values, expected 18/);
  assert.throws(() => decodePcaModel({ meta, arrays: { ...encoded.arrays, mean: new Float64Array(6) } }), /"mean" must be Float32Array/);
});
