import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../../core/onnx/model.js';

test('a MatMul + Add graph built by encodeModel runs in onnxruntime with the expected result', async () => {
  const w = new Float32Array([1, 2, 3, 4, 5, 6]); // 3 x 2
  const bytes = encodeModel({
    name: 'matmul',
    inputs: [{ name: 'x', type: 'float32', shape: ['n', 3] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['n', 2] }],
    initializers: [
      { name: 'w', dims: [3, 2], data: w },
      { name: 'b', dims: [2], data: new Float32Array([0.5, -0.5]) },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['xw'] },
      { op: 'Add', inputs: ['xw', 'b'], outputs: ['y'] },
    ],
  });
  const session = await ort.InferenceSession.create(bytes);
  const x = new ort.Tensor('float32', new Float32Array([1, 0, 2, 0, 1, -1]), [2, 3]);
  const { y } = await session.run({ x });
  assert.deepEqual(Array.from(y.data as Float32Array), [1 + 10 + 0.5, 2 + 12 - 0.5, 3 - 5 + 0.5, 4 - 6 - 0.5]);
  assert.deepEqual(y.dims, [2, 2]);
});

test('integer attributes and ReduceSum with axes as an input are encoded correctly', async () => {
  const bytes = encodeModel({
    name: 'reduce',
    inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }],
    outputs: [{ name: 'y', type: 'float32', shape: [2] }],
    initializers: [{ name: 'axes', dims: [1], data: new BigInt64Array([1n]) }],
    nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['y'], attributes: { keepdims: 0 } }],
  });
  const session = await ort.InferenceSession.create(bytes);
  const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]) });
  assert.deepEqual(Array.from(y.data as Float32Array), [6, 15]);
});
