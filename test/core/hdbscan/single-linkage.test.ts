import { test } from 'node:test';
import assert from 'node:assert/strict';
import { singleLinkage } from '../../../core/hdbscan/single-linkage.js';
import { handTree } from '../../support/hand-spanning-tree.js';

test('single linkage merges in order of distance in scipy layout', () => {
  const linkage = singleLinkage(handTree(), 11);
  assert.deepEqual(Array.from(linkage.distance), [1, 1, 1, 1, 1, 1, 1, 1.2, 5, 10]);
  assert.deepEqual(Array.from(linkage.size), [2, 3, 4, 2, 3, 2, 3, 6, 7, 11]);
  // The last row joins A (row 2 → id 13) with B ∪ {10} (row 8 → id 19).
  assert.deepEqual([linkage.left[9], linkage.right[9]], [13, 19]);
});
