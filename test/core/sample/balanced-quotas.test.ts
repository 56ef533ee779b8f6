import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedQuotas } from '../../../core/sample/balanced-quotas.js';
import { buildHierarchy, nearestCentroids } from '../../../core/kmeans/hierarchical-kmeans.js';
import { createRng } from '../../../core/util/random.js';

/** Max-min fairness of one water-filling: no sibling below its size holds 2+ fewer than another. */
function assertWaterFilled(sizes: number[], quotas: number[], budget: number, what: string): void {
  assert.equal(quotas.reduce((a, b) => a + b, 0), Math.min(budget, sizes.reduce((a, b) => a + b, 0)), `${what}: sum`);
  quotas.forEach((q, i) => assert.ok(q >= 0 && q <= sizes[i], `${what}: quota ${q} of ${sizes[i]}`));
  for (let i = 0; i < sizes.length; i++) {
    if (quotas[i] >= sizes[i]) continue;
    for (let j = 0; j < sizes.length; j++) assert.ok(quotas[j] <= quotas[i] + 1, `${what}: ${quotas[j]} beside an unfilled ${quotas[i]}`);
  }
}

test('balanced quotas, hand-worked: a concept split into four clusters gets the share of one concept, not four', () => {
  // Concept A is four leaves of 50, concept B one leaf of 50; 20 rows to draw.
  const sizes = Int32Array.of(50, 50, 50, 50, 50);
  const q = balancedQuotas(sizes, [Int32Array.of(0, 0, 0, 0, 1)], 20, 1);
  assert.equal(q[4], 10);
  assert.equal(q[0] + q[1] + q[2] + q[3], 10);
  for (let i = 0; i < 4; i++) assert.ok(q[i] === 2 || q[i] === 3);
  // With no hierarchy it is one water-filling over the leaves: 4 each.
  assert.deepEqual(Array.from(balancedQuotas(sizes, [], 20, 1)), [4, 4, 4, 4, 4]);
  // Small concepts give all they have: B of 3 rows.
  const small = balancedQuotas(Int32Array.of(50, 50, 3), [Int32Array.of(0, 0, 1)], 40, 2);
  assert.equal(small[2], 3);
  assert.equal(small[0] + small[1], 37);
});

test('balanced quotas on random three-level trees: every node shares its quota among its children by water-filling, down from the target', () => {
  const rng = createRng(12);
  for (let trial = 0; trial < 200; trial++) {
    const leaves = 5 + rng.int(60);
    const sizes = Int32Array.from({ length: leaves }, () => 1 + Math.floor(400 / (1 + rng.int(40))));
    const k1 = 2 + rng.int(Math.max(1, Math.floor(leaves / 2) - 1));
    const k2 = 1 + rng.int(k1 - 1);
    const p1 = Int32Array.from({ length: leaves }, (_, i) => (i < k1 ? i : rng.int(k1)));
    const p2 = Int32Array.from({ length: k1 }, (_, i) => (i < k2 ? i : rng.int(k2)));
    const total = sizes.reduce((a, b) => a + b, 0);
    const target = 1 + rng.int(total + 20);
    const q = balancedQuotas(sizes, [p1, p2], target, trial);
    // Recompute the node quotas bottom-up and check each water-filling top-down.
    const mid = new Array(k1).fill(0);
    const midSize = new Array(k1).fill(0);
    p1.forEach((p, i) => {
      mid[p] += q[i];
      midSize[p] += sizes[i];
    });
    const top = new Array(k2).fill(0);
    const topSize = new Array(k2).fill(0);
    p2.forEach((p, i) => {
      top[p] += mid[i];
      topSize[p] += midSize[i];
    });
    assertWaterFilled(topSize, top, target, `trial ${trial} top`);
    for (let t = 0; t < k2; t++) {
      const kids = [...p2.keys()].filter((i) => p2[i] === t);
      assertWaterFilled(kids.map((i) => midSize[i]), kids.map((i) => mid[i]), top[t], `trial ${trial} node ${t}`);
    }
    for (let m = 0; m < k1; m++) {
      const kids = [...p1.keys()].filter((i) => p1[i] === m);
      assertWaterFilled(kids.map((i) => sizes[i]), kids.map((i) => q[i]), mid[m], `trial ${trial} leaf parent ${m}`);
    }
  }
});

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
