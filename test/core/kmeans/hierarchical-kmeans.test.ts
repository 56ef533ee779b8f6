import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHierarchy, nearestCentroids } from '../../../core/kmeans/hierarchical-kmeans.js';
import { createRng } from '../../../core/util/random.js';

test('buildHierarchy: three separated groups of centroids become the three level-1 clusters; a second level nests; bad k is refused', async () => {
  const rng = createRng(3);
  const d = 4;
  const centres = [[0, 0, 0, 0], [20, 0, 0, 0], [0, 0, 20, 0]];
  const group = Int32Array.from({ length: 60 }, (_, i) => i % 3);
  const x = Float32Array.from({ length: 60 * d }, (_, t) => centres[group[Math.floor(t / d)]][t % d] + rng.gaussian());
  const [p] = await buildHierarchy(x, 60, d, { ks: [3], seed: 1, resampling: 10 });
  // The same partition as the groups, up to the names of the parents.
  const name = new Map<number, number>();
  for (let i = 0; i < 60; i++) {
    if (!name.has(group[i])) name.set(group[i], p[i]);
    assert.equal(p[i], name.get(group[i]), `point ${i}`);
  }
  assert.equal(new Set(name.values()).size, 3);

  const levels = await buildHierarchy(x, 60, d, { ks: [6, 2], seed: 1, resampling: 3 });
  assert.equal(levels.length, 2);
  assert.ok(levels[0].every((v) => v >= 0 && v < 6));
  assert.ok(levels[1].length === 6 && levels[1].every((v) => v >= 0 && v < 2));
  // The same seed gives the same tree.
  assert.deepEqual(await buildHierarchy(x, 60, d, { ks: [6, 2], seed: 1, resampling: 3 }), levels);
  await assert.rejects(buildHierarchy(x, 60, d, { ks: [6, 6], seed: 1, resampling: 0 }), /k = 6 must be a whole number below the 6 nodes/);
});

test('nearestCentroids agrees with a brute-force argmin', () => {
  const rng = createRng(9);
  const d = 5;
  const x = Float32Array.from({ length: 200 * d }, () => rng.gaussian());
  const c = Float32Array.from({ length: 7 * d }, () => rng.gaussian());
  const got = nearestCentroids(x, 200, d, c, 7);
  for (let i = 0; i < 200; i++) {
    const ds = Array.from({ length: 7 }, (_, k) => Array.from({ length: d }, (_, j) => (x[i * d + j] - c[k * d + j]) ** 2).reduce((a, b) => a + b, 0));
    assert.equal(got[i], ds.indexOf(Math.min(...ds)));
  }
});
