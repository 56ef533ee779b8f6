import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { WorkerClient } from '../../../operators/workers/worker-rpc.js';
import { writeRpcWorker, type RpcMethods, type RpcWorkerData } from '../../support/rpc-worker.js';
import { tempDir } from '../../support/paths.js';

const url = writeRpcWorker();
const client = (data: RpcWorkerData = {}, onEvent?: (e: unknown) => void) => new WorkerClient<RpcMethods>(url, data, onEvent);

test('replies reach the call that asked, even when they come back out of order', async () => {
  const w = client();
  try {
    const info = (await w.ready) as { threadId: number };
    assert.ok(info.threadId > 0, 'ready carries what init returned');
    const slow = w.call('delayed', { value: 'slow', ms: 150 });
    const fast = w.call('delayed', { value: 'fast', ms: 1 });
    const squares = Promise.all([3, -4, 0.5].map((x) => w.call('square', x)));
    assert.equal(w.inFlight, 5);
    const order: string[] = [];
    await Promise.all([slow.then((v) => order.push(v)), fast.then((v) => order.push(v))]);
    assert.deepEqual(order, ['fast', 'slow']);
    assert.deepEqual(await squares, [9, 16, 0.25]);
    assert.equal(w.inFlight, 0);
  } finally {
    await w.close();
  }
});

test('buffers passed as transfers move across instead of being copied, both ways', async () => {
  const w = client();
  try {
    const values = Float32Array.from([1, 2, 3.5]);
    assert.equal(await w.call('sum', values, [values.buffer]), 6.5);
    assert.equal(values.byteLength, 0, 'the sent buffer is detached on the main thread');
    const scaled = await w.call('scale', { values: Float32Array.from([1, -2]), by: 3 });
    assert.ok(scaled instanceof Float32Array, 'a Transfer arrives as its value');
    assert.deepEqual(scaled, Float32Array.from([3, -6]));
  } finally {
    await w.close();
  }
});

test('a method that throws rejects its own call with the worker\'s message and stack; the worker keeps serving', async () => {
  const w = client();
  try {
    await assert.rejects(w.call('fail', 'disk full at part 3'), (e: Error) => {
      assert.equal(e.message, 'disk full at part 3');
      assert.match(e.stack!, /test-rpc-worker\.mjs:\d+/, 'the stack has the worker\'s own frame');
      assert.match(e.stack!, /at \(test-rpc-worker\.mjs\)$/, 'and names the worker');
      return true;
    });
    await assert.rejects(w.call('nope' as 'square', 1), { message: 'worker has no method "nope"' });
    assert.equal(await w.call('square', 7), 49);
  } finally {
    await w.close();
  }
});

test('events emitted by a method reach onEvent before its reply', async () => {
  const events: unknown[] = [];
  const w = client({}, (e) => events.push(e));
  try {
    assert.equal(await w.call('progress', 3), 3);
    assert.deepEqual(events, [{ step: 1 }, { step: 2 }, { step: 3 }]);
  } finally {
    await w.close();
  }
});

test('an init that fails rejects ready and every call with its message', async () => {
  const w = client({ failInit: 'model folder /m has no tokenizer.json' });
  await assert.rejects(w.ready, { message: 'model folder /m has no tokenizer.json' });
  await assert.rejects(w.call('square', 2), { message: 'model folder /m has no tokenizer.json' });
  await w.close();
});

test('a worker that exits fails every pending call and every later one instead of leaving them hanging', async () => {
  const w = client();
  await w.ready;
  const pending = w.call('hang', undefined);
  const exiting = w.call('exit', 3);
  for (const p of [pending, exiting, w.call('square', 2)]) await assert.rejects(p, { message: 'test-rpc-worker.mjs exited with code 3 before it was closed' });
  assert.equal(w.inFlight, 0);
  await w.close();
});

test('an uncaught error inside the worker fails the pending calls with that error', async () => {
  const w = client();
  await w.ready;
  await assert.rejects(Promise.all([w.call('hang', undefined), w.call('throwLater', 'segfault stand-in')]), { message: 'segfault stand-in' });
  await assert.rejects(w.call('square', 1), { message: 'segfault stand-in' });
  await w.close();
});

test('close lets the worker\'s close method finish before the thread ends; terminate fails what is still pending', async () => {
  const closeDir = tempDir('rpc-close');
  const w = client({ closeDir });
  const { threadId } = (await w.ready) as { threadId: number };
  await w.close();
  assert.deepEqual(fs.readdirSync(closeDir), [`closed-${threadId}`]);
  await w.close(); // a second close is a no-op

  const t = client({ closeDir: tempDir('rpc-close') });
  await t.ready;
  const pending = t.call('hang', undefined);
  await t.terminate();
  await assert.rejects(pending, /exited with code 1/);
});
