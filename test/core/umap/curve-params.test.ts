import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findAbParams } from '../../../core/umap/curve-params.js';

test('curve parameters for min_dist 0.1, spread 1 are umap-learn\'s a ≈ 1.577, b ≈ 0.895', () => {
  const { a, b } = findAbParams(1, 0.1);
  assert.ok(Math.abs(a - 1.5769) < 2e-3, `a ${a}`);
  assert.ok(Math.abs(b - 0.8951) < 2e-3, `b ${b}`);
  // Larger min_dist flattens the curve near 0: smaller a, larger b.
  const wide = findAbParams(1, 0.5);
  assert.ok(wide.a < a && wide.b > b);
});
