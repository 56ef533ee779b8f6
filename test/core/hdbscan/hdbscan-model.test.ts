import { test } from 'node:test';
import assert from 'node:assert/strict';
import { approximatePredict } from '../../../core/hdbscan/approximate-predict.js';
import { decodeHdbscanModel, encodeHdbscanModel } from '../../../core/hdbscan/hdbscan-model.js';
import { D, fitFourBlobs } from '../../support/four-blobs.js';

const fitted = fitFourBlobs();

test('a model survives encode → JSON meta + typed arrays → decode, and predicts the same', async () => {
  const { data, fit } = await fitted;
  const encoded = encodeHdbscanModel(fit.model);
  for (const a of Object.values(encoded.arrays)) assert.ok(a instanceof Float32Array || a instanceof Int32Array || a instanceof Float64Array);
  const restored = decodeHdbscanModel({ meta: JSON.parse(JSON.stringify(encoded.meta)), arrays: encoded.arrays });
  assert.deepEqual(restored, fit.model);
  const block = data.subarray(0, 500 * D);
  assert.deepEqual(await approximatePredict(restored, block, 500), await approximatePredict(fit.model, block, 500));
});

test('decode rejects what is not a model of this format', async () => {
  const { fit } = await fitted;
  const encoded = encodeHdbscanModel(fit.model);
  assert.throws(() => decodeHdbscanModel({ meta: { ...encoded.meta, format: 'other' }, arrays: encoded.arrays }), /format/);
  assert.throws(() => decodeHdbscanModel({ meta: encoded.meta, arrays: { ...encoded.arrays, pointLambda: new Float32Array(3000) } }), /Float64Array/);
  assert.throws(() => decodeHdbscanModel({ meta: encoded.meta, arrays: { ...encoded.arrays, pointParent: new Int32Array(5) } }), /5 values/);
  assert.throws(() => decodeHdbscanModel({ meta: { ...encoded.meta, n: -1 }, arrays: encoded.arrays }), /meta.n/);
});
