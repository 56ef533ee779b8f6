import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { Tensor } from 'onnxruntime-node';
import { createKernelSession, resolveBlockRows, rowSquaredNorms, scoreBlockRows } from '../../../core/kernels/session.js';
import { createRng } from '../../../core/util/random.js';

test('createKernelSession runs a graph built in code: row sums of squares by ReduceSumSquare', async () => {
  const session = await createKernelSession(
    {
      name: 'norms',
      inputs: [{ name: 'x', type: 'float32', shape: ['n', 3] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['n'] }],
      nodes: [{ op: 'ReduceSumSquare', inputs: ['x'], outputs: ['y'], attributes: { axes: [1], keepdims: 0 } }],
    },
    1,
  );
  try {
    const x = Float32Array.of(1, 2, 2, 0, -3, 4);
    const { y } = await session.run({ x: new Tensor('float32', x, [2, 3]) });
    assert.deepEqual([...(y.data as Float32Array)], [9, 25]);
    assert.deepEqual([...rowSquaredNorms(x, 2, 3)], [9, 25]);
  } finally {
    await session.release();
  }
});

test('rowSquaredNorms equals a plain sum of squares per row, written into the given output', () => {
  const rng = createRng(3);
  const rows = 50, d = 17;
  const m = Float32Array.from({ length: rows * d }, () => rng.gaussian() * 100);
  const out = new Float32Array(rows + 2).fill(-1);
  assert.equal(rowSquaredNorms(m, rows, d, out), out);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += m[i * d + j] ** 2;
    assert.ok(Math.abs(out[i] - s) <= 1e-6 * s, `row ${i}`);
  }
  assert.deepEqual([...out.subarray(rows)], [-1, -1], 'nothing past the rows is touched');
});

test('resolveBlockRows: the option wins over the fallback; zero, negative and fractional rows are refused', () => {
  assert.equal(resolveBlockRows({}, 700), 700);
  assert.equal(resolveBlockRows({ blockRows: 3 }, 700), 3);
  for (const bad of [0, -5, 2.5, Number.NaN]) assert.throws(() => resolveBlockRows({ blockRows: bad }, 700), /blockRows must be a positive integer/);
});

test('scoreBlockRows: about 2^21 scores per core per run, between 512 and 1,024 rows a core, the same for any thread setting', () => {
  const cores = availableParallelism();
  for (const k of [1, 10, 100, 1000, 2048, 4000, 8192, 100_000]) {
    const rows = scoreBlockRows(k, { threads: 1 });
    assert.equal(rows % cores, 0, `k=${k}: ${rows} rows for ${cores} cores`);
    const one = rows / cores;
    assert.ok(one >= 512 && one <= 1024, `k=${k}: ${one}`);
    if (one > 512 && one < 1024) assert.ok(Math.abs(one * k - 2 ** 21) < k, `k=${k}: ${one} rows × k`);
    // The block decides k-means' float32 rounding, so the thread setting must not move it.
    assert.equal(scoreBlockRows(k, { threads: 3 }), rows);
    assert.equal(scoreBlockRows(k), rows);
  }
  assert.ok(scoreBlockRows(10, { threads: 1 }) >= scoreBlockRows(4000, { threads: 1 }), 'fewer rows as k grows');
  assert.equal(scoreBlockRows(10, { threads: 4, blockRows: 99 }), 99);
});
