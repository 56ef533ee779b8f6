import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildKernel } from '../../../core/kernels/farthest-point-kernel.js';
import { assembleWat, validWasm } from '../../support/wat.js';

test('the builder emits exactly the module farthest-point-kernel.wat lists (d = 8)', async () => {
  const listed = await assembleWat('core/kernels/farthest-point-kernel.wat');
  const built = buildKernel(8);
  assert.ok(validWasm(built), 'WebAssembly.validate rejects the built module');
  assert.deepEqual(Buffer.from(built).toString('hex'), Buffer.from(listed).toString('hex'));
});

test('every dimensionality the builder emits validates (1…33, padded to whole vectors)', () => {
  for (let d = 1; d <= 33; d++) assert.ok(validWasm(buildKernel(d)), `d = ${d}`);
});
