import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPca, projectPca } from '../../../core/pca/pca.js';
import { createRng } from '../../../core/util/random.js';

test('PCA finds the directions of largest variance, in order', () => {
  // Points stretched 10× along (1,1,0)/√2 and 3× along z, little elsewhere.
  const rng = createRng(1);
  const n = 2000;
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = 10 * rng.gaussian();
    const b = 3 * rng.gaussian();
    const c = 0.1 * rng.gaussian();
    x[i * 3] = a / Math.SQRT2 + c / Math.SQRT2 + 5;
    x[i * 3 + 1] = a / Math.SQRT2 - c / Math.SQRT2 - 2;
    x[i * 3 + 2] = b;
  }
  const p = fitPca(x, n, 3, 2);
  const [c0, c1] = [p.components.subarray(0, 3), p.components.subarray(3, 6)];
  assert.ok(Math.abs(Math.abs(c0[0] * Math.SQRT1_2 + c0[1] * Math.SQRT1_2) - 1) < 1e-3, `first ${c0}`);
  assert.ok(Math.abs(Math.abs(c1[2]) - 1) < 1e-3, `second ${c1}`);
  assert.ok(Math.abs(p.mean[0] - 5) < 0.5 && Math.abs(p.mean[1] + 2) < 0.5);
  const y = projectPca(p, x, n);
  let v0 = 0, v1 = 0;
  for (let i = 0; i < n; i++) {
    v0 += y[i * 2] ** 2;
    v1 += y[i * 2 + 1] ** 2;
  }
  assert.ok(Math.abs(Math.sqrt(v0 / n) - 10) < 0.6 && Math.abs(Math.sqrt(v1 / n) - 3) < 0.3, `${Math.sqrt(v0 / n)} ${Math.sqrt(v1 / n)}`);
});
