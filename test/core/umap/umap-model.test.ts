import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitUmap } from '../../../core/umap/fit-umap.js';
import { releaseTransformIndex, transformUmap } from '../../../core/umap/transform-umap.js';
import { decodeUmapModel, encodeUmapModel } from '../../../core/umap/umap-model.js';
import { blobs } from '../../support/separated-blobs.js';

const DIM = 16;
const { data } = blobs(5, 80, DIM, 1);
const options = { dims: [5, 2], nNeighbors: 10, nEpochs: 150, seed: 7 };

test('encode/decode round-trips the model, and decode rejects inconsistent arrays', async () => {
  const model = await fitUmap(data, DIM, options);
  const encoded = encodeUmapModel(model);
  const json = JSON.parse(JSON.stringify(encoded.meta));
  const decoded = decodeUmapModel({ meta: json, arrays: encoded.arrays });
  assert.deepEqual(decoded.params, model.params);
  assert.deepEqual(decoded.dims, model.dims);
  assert.deepEqual(decoded.embeddings, model.embeddings);
  assert.deepEqual(decoded.data, model.data);
  try {
    assert.deepEqual(await transformUmap(decoded, data.subarray(0, 20 * DIM)), await transformUmap(model, data.subarray(0, 20 * DIM)));
  } finally {
    await releaseTransformIndex(decoded);
    await releaseTransformIndex(model);
  }
  assert.throws(() => decodeUmapModel({ meta: json, arrays: { ...encoded.arrays, embedding1: new Float32Array(3) } }), /embedding1/);
  assert.throws(() => decodeUmapModel({ meta: { ...json, format: 'other' }, arrays: encoded.arrays }), /format/);
});
