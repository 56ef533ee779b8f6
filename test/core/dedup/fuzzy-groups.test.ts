import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyGroups } from '../../../core/dedup/fuzzy-groups.js';

test('fuzzyGroups: a row joins its match at or above the threshold; the kept row of a group is its earliest', () => {
  // 0 ← 1 (0.9) ← 3 (0.85); 2 alone; 4 → 2 (0.75)
  const match = Int32Array.of(-1, 0, -1, 1, 2);
  const jaccard = Float32Array.of(NaN, 0.9, NaN, 0.85, 0.75);
  const at08 = fuzzyGroups(match, jaccard, 0.8);
  assert.deepEqual([...at08.kept], [1, 0, 1, 0, 1]);
  assert.deepEqual([...at08.group], [0, 0, 2, 0, 4]);
  const at07 = fuzzyGroups(match, jaccard, 0.75);
  assert.deepEqual([...at07.group], [0, 0, 2, 0, 2]);
  // A higher threshold cuts the chain: 3 stays with 1, which is now kept.
  const at088 = fuzzyGroups(match, jaccard, 0.88);
  assert.deepEqual([...at088.kept], [1, 0, 1, 1, 1]);
  assert.deepEqual([...at088.group], [0, 0, 2, 3, 4]);
  assert.throws(() => fuzzyGroups(Int32Array.of(1, -1), Float32Array.of(1, NaN), 0.5), /earlier row/);
});
