import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRows } from '../../../operators/embedders/embedder.js';

test('normalizeRows scales each row to unit length in place, keeping its direction; a zero row stays zero', () => {
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
