import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKernel } from '../../../core/umap/sgd-kernel.js';
import { assembleWat, validWasm } from '../../support/wat.js';

test('the builder emits exactly the module sgd-kernel.wat lists (dim = 2)', async () => {
  const listed = await assembleWat('core/umap/sgd-kernel.wat');
  const built = buildKernel(2);
  assert.ok(validWasm(built), 'WebAssembly.validate rejects the built module');
  assert.deepEqual(Buffer.from(built).toString('hex'), Buffer.from(listed).toString('hex'));
});

test('every output dimensionality the builder emits validates (1…17: one chunk, two accumulators, padding lanes)', () => {
  for (let dim = 1; dim <= 17; dim++) assert.ok(validWasm(buildKernel(dim)), `dim = ${dim}`);
});
