import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigen } from '../../../core/umap/symmetric-eigen.js';
import { createRng } from '../../../core/util/random.js';

test('symmetric eigen-decomposition reconstructs the matrix', () => {
  const m = 7, rng = createRng(4);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = rng.gaussian();
  const { values, vectors } = symmetricEigen(a, m);
  for (let i = 1; i < m; i++) assert.ok(values[i] <= values[i - 1]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += vectors[t * m + i] * values[t] * vectors[t * m + j];
      assert.ok(Math.abs(s - a[i * m + j]) < 1e-10);
    }
  }
});
