import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanczosTopEigen } from '../../../core/umap/lanczos.js';
import { createRng } from '../../../core/util/random.js';

test('Lanczos finds the top eigenpairs of a diagonal operator, deflated vectors excluded', () => {
  const n = 300;
  const diag = Float64Array.from({ length: n }, (_, i) => 1 - i / n);
  const apply = (x: Float64Array, y: Float64Array): void => {
    for (let i = 0; i < n; i++) y[i] = diag[i] * x[i];
  };
  const e0 = new Float64Array(n);
  e0[0] = 1;
  const { values, vectors } = lanczosTopEigen(apply, n, 3, { steps: 120, rng: createRng(5), deflate: [e0] });
  for (let r = 0; r < 3; r++) {
    assert.ok(Math.abs(values[r] - diag[r + 1]) < 1e-4, `value ${r}: ${values[r]}`);
    assert.ok(Math.abs(Math.abs(vectors[r * n + r + 1]) - 1) < 1e-2, `vector ${r}`);
  }
});
