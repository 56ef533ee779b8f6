import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elbowK, silhouetteK } from '../../../core/kmeans/pick-k.js';

test('elbow: the k farthest below the chord over log k', () => {
  // Inertia falls steeply to k = 4, then barely: scaled, k = 4 sits at x = 1/3 (log k), y = 10/90: 1 − 1/3 − 1/9 = 5/9 below the chord.
  const picked = elbowK([2, 4, 8, 16], [100, 20, 16, 10]);
  assert.equal(picked.k, 4);
  assert.match(picked.why, /Kneedle: 0\.556 below the chord/);
  // A straight line over log k has no elbow: the smallest k, said so.
  assert.deepEqual(elbowK([2, 4, 8], [30, 20, 10]).k, 2);
  assert.match(elbowK([2, 4, 8], [30, 20, 10]).why, /no elbow/);
  assert.throws(() => elbowK([2, 4], [3, 1]), /at least 3 values of k/);
});

test('silhouette: the largest mean width, the smaller k on a tie', () => {
  assert.deepEqual(silhouetteK([2, 3, 4, 6], [0.4, 0.5, 0.7, 0.6]), { k: 4, why: 'the largest mean silhouette, 0.700 (next best 0.600)' });
  assert.equal(silhouetteK([2, 3], [0.5, 0.5]).k, 2);
});
