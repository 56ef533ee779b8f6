import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { copyModels, loadModel, modelExists, saveModel } from '../../../operators/store/model-store.js';
import type { EncodedModel } from '../../../core/model/encoded-model.js';
import { tempDir } from '../../support/paths.js';

function sampleModel(): EncodedModel {
  const centroids = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 0.5) * 1e3);
  const labels = Int32Array.from([-1, 0, 2, 2147483647, -2147483648, 7]);
  const lambdas = Float64Array.from([Math.PI, -0, Number.MAX_VALUE, 5e-324, Infinity]);
  return { meta: { kind: 'kmeans', k: 3, dims: 4, model: 'm' }, arrays: { centroids, labels, lambdas } };
}

test('a model round-trips: the same metadata, and each array with its type and every bit of its values', () => {
  const dir = tempDir('models');
  const model = sampleModel();
  assert.equal(modelExists(dir, 'kmeans'), false);
  saveModel(dir, 'kmeans', model);
  assert.equal(modelExists(dir, 'kmeans'), true);
  const back = loadModel(dir, 'kmeans');
  assert.deepEqual(back.meta, model.meta);
  assert.deepEqual(Object.keys(back.arrays).sort(), ['centroids', 'labels', 'lambdas']);
  for (const [key, arr] of Object.entries(model.arrays)) {
    assert.equal(back.arrays[key].constructor, arr.constructor, key);
    assert.deepEqual(back.arrays[key], arr, key);
  }
  assert.ok(Object.is(back.arrays.lambdas[1], -0));
});

test('array files are raw little-endian values that any reader (numpy.fromfile) takes, indexed by dtype and length', () => {
  const dir = tempDir('models');
  const model = sampleModel();
  saveModel(dir, 'fit', model);
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'fit.json'), 'utf8'));
  assert.deepEqual(index.arrays.centroids, { file: 'fit.centroids.f32', dtype: '<f4', length: 12 });
  assert.deepEqual(index.arrays.labels, { file: 'fit.labels.i32', dtype: '<i4', length: 6 });
  assert.deepEqual(index.arrays.lambdas, { file: 'fit.lambdas.f64', dtype: '<f8', length: 5 });
  const f32 = fs.readFileSync(path.join(dir, 'fit.centroids.f32'));
  model.arrays.centroids.forEach((v, i) => assert.equal(f32.readFloatLE(i * 4), v));
  const i32 = fs.readFileSync(path.join(dir, 'fit.labels.i32'));
  model.arrays.labels.forEach((v, i) => assert.equal(i32.readInt32LE(i * 4), v));
  const f64 = fs.readFileSync(path.join(dir, 'fit.lambdas.f64'));
  model.arrays.lambdas.forEach((v, i) => assert.ok(Object.is(f64.readDoubleLE(i * 8), v)));
});

test('an array that is a view into a larger buffer saves only its own values', () => {
  const dir = tempDir('models');
  const big = Float32Array.from({ length: 100 }, (_, i) => i);
  saveModel(dir, 'view', { meta: {}, arrays: { part: big.subarray(10, 13) } });
  assert.deepEqual(loadModel(dir, 'view').arrays.part, Float32Array.from([10, 11, 12]));
  assert.equal(fs.statSync(path.join(dir, 'view.part.f32')).size, 12);
});

test('saving again replaces the model; no temp file is left', () => {
  const dir = tempDir('models');
  saveModel(dir, 'm', sampleModel());
  saveModel(dir, 'm', { meta: { k: 1 }, arrays: { centroids: Float32Array.from([1, 2]) } });
  const back = loadModel(dir, 'm');
  assert.deepEqual(back.meta, { k: 1 });
  assert.deepEqual(back.arrays.centroids, Float32Array.from([1, 2]));
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('no model, a damaged index, a missing or truncated array file: each refused naming the file and the fix', () => {
  const dir = tempDir('models');
  assert.throws(() => loadModel(dir, 'kmeans'), { message: `no fitted model at ${path.join(dir, 'kmeans.json')}: run semclust fit first` });

  saveModel(dir, 'kmeans', sampleModel());
  const index = path.join(dir, 'kmeans.json');
  const good = fs.readFileSync(index, 'utf8');
  fs.writeFileSync(index, good.slice(0, good.length / 2));
  assert.throws(() => loadModel(dir, 'kmeans'), (e: Error) => e.message.startsWith(`${index}: not a model index`) && e.message.endsWith('refit the model'));
  fs.writeFileSync(index, good);

  const labels = path.join(dir, 'kmeans.labels.i32');
  const bytes = fs.readFileSync(labels);
  // Cut mid-value (not a multiple of 4) and cut on a value boundary: both are caught.
  for (const keep of [bytes.length - 3, bytes.length - 4]) {
    fs.writeFileSync(labels, bytes.subarray(0, keep));
    assert.throws(() => loadModel(dir, 'kmeans'), { message: `${labels}: expected 6 values (24 bytes), found ${keep} bytes; refit the model` });
  }
  fs.rmSync(labels);
  assert.throws(() => loadModel(dir, 'kmeans'), { message: `${labels}: missing, though ${index} names it; refit the model` });
});

test('copyModels saves every model of a folder again in another, bit for bit, and leaves the source as it was', () => {
  const from = tempDir('models');
  const to = path.join(tempDir('models'), 'model');
  saveModel(from, 'kmeans', sampleModel());
  saveModel(from, 'umap', { meta: { kind: 'umap' }, arrays: { embedding: Float32Array.from([1, 2, 3]) } });
  const before = fs.readdirSync(from).map((f) => [f, fs.readFileSync(path.join(from, f))] as const);
  assert.deepEqual(copyModels(from, to), ['kmeans', 'umap']);
  for (const [f, bytes] of before) {
    assert.deepEqual(fs.readFileSync(path.join(to, f)), bytes, f);
    assert.deepEqual(fs.readFileSync(path.join(from, f)), bytes, f);
  }
  assert.deepEqual(fs.readdirSync(to).sort(), before.map(([f]) => f).sort());
});

test('copyModels refuses a source whose array is cut short, before writing its index', () => {
  const from = tempDir('models');
  const to = tempDir('models');
  saveModel(from, 'kmeans', sampleModel());
  fs.truncateSync(path.join(from, 'kmeans.centroids.f32'), 8);
  assert.throws(() => copyModels(from, to), /kmeans\.centroids\.f32: expected 12 values/);
  assert.equal(modelExists(to, 'kmeans'), false);
});
