import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../../core/onnx/model.js';
import { sessionOptions } from '../../../core/onnx/session-options.js';

test('a session created with the options runs a graph, for one thread and for onnxruntime’s own count', async () => {
  const bytes = encodeModel({
    name: 'double',
    inputs: [{ name: 'x', type: 'float32', shape: ['n'] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['n'] }],
    nodes: [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }],
  });
  for (const threads of [1, undefined]) {
    const session = await ort.InferenceSession.create(bytes, sessionOptions(threads));
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, -2.5), [2]) });
    assert.deepEqual([...(y.data as Float32Array)], [2, -5]);
    await session.release();
  }
});

test('threads go to intra-op (0, onnxruntime’s default, when left out); one inter-op thread; spinning off on both pools', () => {
  assert.equal(sessionOptions(3).intraOpNumThreads, 3);
  assert.equal(sessionOptions().intraOpNumThreads, 0);
  const o = sessionOptions(1);
  assert.equal(o.interOpNumThreads, 1);
  assert.equal(o.executionMode, 'sequential');
  assert.deepEqual(o.extra, { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } });
});

test('a thread count that is not a positive integer is refused before onnxruntime sees it', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => sessionOptions(bad), /threads must be a positive integer/);
});
