import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelArray, type EncodedModel } from '../../../core/model/encoded-model.js';

const encoded: EncodedModel = { meta: {}, arrays: { centroids: new Float32Array(6), labels: new Int32Array(3) } };

test('modelArray returns the named array itself when its type and length are right', () => {
  assert.equal(modelArray(encoded, 'centroids', Float32Array, 6, 'k-means'), encoded.arrays.centroids);
  assert.equal(modelArray(encoded, 'labels', Int32Array, 3, 'k-means'), encoded.arrays.labels);
});

test('a missing array, another type or another length is refused naming the model, the array and the expectation', () => {
  assert.throws(() => modelArray(encoded, 'mean', Float32Array, 6, 'PCA'), /^Error: PCA model: array "mean" must be Float32Array$/);
  assert.throws(() => modelArray(encoded, 'labels', Float32Array, 3, 'k-means'), /k-means model: array "labels" must be Float32Array/);
  assert.throws(() => modelArray(encoded, 'centroids', Float64Array, 6, 'k-means'), /must be Float64Array/);
  assert.throws(() => modelArray(encoded, 'centroids', Float32Array, 8, 'k-means'), /k-means model: array "centroids" holds 6 values, expected 8/);
});
