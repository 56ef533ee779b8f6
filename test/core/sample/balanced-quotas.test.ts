import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedQuotas } from '../../../core/sample/balanced-quotas.js';
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
