import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { Tensor } from 'onnxruntime-node';
import { chooseSide, nextRecheckGap, ThreadChoice, type SideRecord } from '../../../core/kernels/thread-choice.js';
import { encodeModel } from '../../../core/onnx/model.js';
import { createRng } from '../../../core/util/random.js';

const D = 64, K = 300;

/** x [b, D] · w [D, K] → y [b, K]: big enough per run that MLAS splits it across threads. */
function matmulModel(seed: number): Uint8Array {
  const rng = createRng(seed);
  return encodeModel({
    name: 'matmul',
    inputs: [{ name: 'x', type: 'float32', shape: ['b', D] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['b', K] }],
    initializers: [{ name: 'w', dims: [D, K], data: Float32Array.from({ length: D * K }, () => rng.gaussian()) }],
    nodes: [{ op: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] }],
  });
}

function block(rows: number, seed: number): Tensor {
  const rng = createRng(seed);
  return new Tensor('float32', Float32Array.from({ length: rows * D }, () => rng.gaussian()), [rows, D]);
}

test('left to choose, ThreadChoice holds a one-thread and a default-thread session whose results are bit-identical', async () => {
  const model = matmulModel(1);
  const choosing = await ThreadChoice.create(model);
  const single = await ThreadChoice.create(model, 1);
  try {
    const expected = availableParallelism() > 1 ? ['1', 'default'] : ['1'];
    assert.deepEqual(Object.keys(choosing.runsByThreads), expected);
    assert.deepEqual(Object.keys(single.runsByThreads), ['1']);
    for (let run = 0; run < 12; run++) {
      const x = block(512 + run, 100 + run);
      const a = (await choosing.run({ x }, 512 + run)).y.data as Float32Array;
      const b = (await single.run({ x }, 512 + run)).y.data as Float32Array;
      assert.deepEqual(a, b, `run ${run}`);
    }
    assert.deepEqual(single.runsByThreads, { '1': 12 });
    // Both sides had their trial runs.
    for (const runs of Object.values(choosing.runsByThreads)) assert.ok(runs >= 4, JSON.stringify(choosing.runsByThreads));
  } finally {
    await choosing.release();
    await single.release();
  }
});

test('chooseSide: trials on side 0 (first run untimed), then side 1, then the lower rate, the other side when a recheck is due', () => {
  const a: SideRecord = { runs: 0, rate: NaN };
  const b: SideRecord = { runs: 0, rate: NaN };
  const picks: number[] = [];
  for (let run = 0; run < 8; run++) {
    // A recheck asked for during the trials changes nothing.
    const side = chooseSide(a, b, true);
    picks.push(side);
    const rec = side === 0 ? a : b;
    if (rec.runs > 0) rec.rate = side === 0 ? 3 : 1; // side 1 is three times faster per unit
    rec.runs++;
  }
  assert.deepEqual(picks, [0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(chooseSide(a, b, false), 1);
  assert.equal(chooseSide(a, b, true), 0);
  a.rate = 0.5; // side 0 turns faster
  assert.equal(chooseSide(a, b, false), 0);
  assert.equal(chooseSide(a, b, true), 1);
  // Equal rates go to side 0 (one thread: the lighter load on a shared host).
  assert.equal(chooseSide({ runs: 9, rate: 1 }, { runs: 9, rate: 1 }, false), 0);
});

test('nextRecheckGap: doubles from 32 up to 1,024 while rechecks keep the choice, back to 32 when one changes it', () => {
  const gaps: number[] = [];
  let gap = 32;
  for (let i = 0; i < 7; i++) gaps.push((gap = nextRecheckGap(gap, true)));
  assert.deepEqual(gaps, [64, 128, 256, 512, 1024, 1024, 1024]);
  assert.equal(nextRecheckGap(1024, false), 32);
});

test('a choosing ThreadChoice keeps running both sides: after the trials the one not chosen still gets rechecks', { skip: availableParallelism() < 2 && 'needs 2 CPUs' }, async () => {
  const choice = await ThreadChoice.create(matmulModel(4));
  try {
    const x = block(64, 5);
    for (let run = 0; run < 8 + 32 * 3; run++) await choice.run({ x }, 64);
    const counts = Object.values(choice.runsByThreads);
    assert.equal(counts[0] + counts[1], 8 + 96);
    // Trials give each side 4; the rechecks at gaps 32 and 64 give the one not chosen at least 1 more.
    assert.ok(Math.min(...counts) >= 5, JSON.stringify(choice.runsByThreads));
  } finally {
    await choice.release();
  }
});

test('ThreadChoice rejects a bad thread count', async () => {
  await assert.rejects(ThreadChoice.create(matmulModel(3), 0), /threads must be a positive integer/);
  await assert.rejects(ThreadChoice.create(matmulModel(3), 1.5), /threads must be a positive integer/);
});
