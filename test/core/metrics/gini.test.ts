import { test } from 'node:test';
import assert from 'node:assert/strict';
import { giniCoefficient } from '../../../core/metrics/gini.js';

test('Gini of cluster sizes, by hand from Σ|xᵢ − xⱼ| / (2 n² x̄)', () => {
  assert.equal(giniCoefficient([5, 5, 5, 5]), 0);
  // [0, 0, 0, 4]: ordered pairs differ by 4 six times: 24 / (2 · 16 · 1) = 0.75.
  assert.ok(Math.abs(giniCoefficient([4, 0, 0, 0]) - 0.75) < 1e-12);
  // [1, 2, 3]: 2 · (1 + 2 + 1) = 8 over 2 · 9 · 2 = 36.
  assert.ok(Math.abs(giniCoefficient([3, 1, 2]) - 2 / 9) < 1e-12);
  assert.equal(giniCoefficient([0, 0]), 0);
  assert.throws(() => giniCoefficient([1, -1]), /non-negative value, got -1/);
});
