import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRows, putRows, takeRows } from '../../../core/util/rows.js';
import { createRng } from '../../../core/util/random.js';

// 4 × 3: row i holds (10i, 10i + 1, 10i + 2), so a row's values name it.
const x = Float32Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 3) + (k % 3));

test('takeRows picks the listed rows in list order, repeats allowed', () => {
  assert.deepEqual(Array.from(takeRows(x, 3, [2, 0, 2])), [20, 21, 22, 0, 1, 2, 20, 21, 22]);
  assert.equal(takeRows(x, 3, []).length, 0);
});

test('takeRows writes into a given array and returns it', () => {
  const out = new Float32Array(6).fill(-1);
  assert.equal(takeRows(x, 3, Int32Array.of(3), out), out);
  assert.deepEqual(Array.from(out), [30, 31, 32, -1, -1, -1]);
});

test('putRows puts a batch back at its rows; takeRows of the same rows gives the batch again', () => {
  const rng = createRng(3);
  const n = 50, d = 7;
  const values = Float32Array.from({ length: n * d }, () => rng.gaussian());
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const batch = takeRows(values, d, order);
  const back = putRows(batch, d, order, new Float32Array(n * d));
  assert.deepEqual(back, values);
  for (let t = 0; t < n; t++) assert.deepEqual(batch.subarray(t * d, t * d + d), values.subarray(order[t] * d, order[t] * d + d));
});

test('normalizeRows: unit rows, directions kept, zero rows stay zero, in place', () => {
  const v = Float32Array.of(3, 4, 0, 0, -2, 0);
  assert.equal(normalizeRows(v, 2), v);
  assert.deepEqual(Array.from(v), [Math.fround(0.6), Math.fround(0.8), 0, 0, -1, 0]);
});

test('normalizeRows at extreme magnitudes scales each row to unit length in place, keeping its direction; a zero row stays zero', () => {
  const dims = 3;
  const rows = [
    [3, 4, 0],
    [0, 0, 0],
    [-1e-20, 2e-20, 2e-20],
    [1e18, -1e18, 5e17],
  ];
  const values = Float32Array.from(rows.flat());
  assert.equal(normalizeRows(values, dims), values);
  rows.forEach((row, r) => {
    const got = [...values.subarray(r * dims, (r + 1) * dims)];
    const norm = Math.hypot(...row);
    if (norm === 0) return assert.deepEqual(got, [0, 0, 0]);
    row.forEach((x, j) => assert.ok(Math.abs(got[j] - x / norm) < 1e-6, `row ${r}[${j}]: ${got[j]} vs ${x / norm}`));
  });
});
