import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeWithinBudgets } from '../../../core/sample/token-budget.js';
import { createRng } from '../../../core/util/random.js';

test('takeWithinBudgets by hand: a row that does not fit is skipped, not the end of its cluster; the unspent rest is filled in pick order', () => {
  // Cluster 0 (budget 10): 4, 7 skipped (11 > 10), 5, 1 → 10. Cluster 1 (budget 6): 3, 9 skipped, 2, 2 skipped → 5.
  // Total 17, 15 spent: the fill passes cluster 0's 7 and 3 and cluster 1's 9 (each > 2) and takes cluster 1's last 2.
  const r = takeWithinBudgets([Int32Array.of(4, 7, 5, 1, 3), Int32Array.of(3, 9, 2, 2)], [10, 6], 17);
  assert.deepEqual([...r.taken[0]], [0, 2, 3]);
  assert.deepEqual([...r.taken[1]], [0, 2, 3]);
  assert.equal(r.tokens, 17);
});

test('takeWithinBudgets: never above the total; below it by less than the shortest row left; exact when a 1-token row remains', () => {
  const rng = createRng(5);
  for (let trial = 0; trial < 50; trial++) {
    const k = 1 + rng.int(8);
    const tokens = Array.from({ length: k }, () => Int32Array.from({ length: 1 + rng.int(40) }, () => 1 + rng.int(300)));
    const budgets = Array.from({ length: k }, () => rng.int(3000));
    const total = budgets.reduce((a, b) => a + b, 0);
    const r = takeWithinBudgets(tokens, budgets, total);
    const sum = r.taken.reduce((s, idx, c) => s + [...idx].reduce((a, i) => a + tokens[c][i], 0), 0);
    assert.equal(sum, r.tokens);
    assert.ok(r.tokens <= total, `${r.tokens} > ${total}`);
    const left = tokens.flatMap((t, c) => [...t].filter((_, i) => !r.taken[c].includes(i)));
    if (left.length > 0) assert.ok(total - r.tokens < Math.min(...left), `short by ${total - r.tokens} with a row of ${Math.min(...left)} left`);
  }
  assert.throws(() => takeWithinBudgets([Int32Array.of(1)], [1, 2], 3), /1 clusters of rows but 2 budgets/);
});
