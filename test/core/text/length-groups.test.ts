import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lengthGroups, type LengthGroupOptions } from '../../../core/text/length-groups.js';
import { createRng } from '../../../core/util/random.js';

const lists = (groups: Uint32Array[]): number[][] => groups.map((g) => Array.from(g));

test('hand-worked: a group closes when padding would pass the share or the batch the token budget', () => {
  // lengths by index: 0→5, 1→10, 2→4, 3→9, 4→5. Sorted: 10, 9, 5, 5, 4.
  // Share 0.1: [10, 9] pads to 20 ≤ 1.1 · 19; adding a 5 pads to 30 > 1.1 · 24. Then [5, 5, 4]: 15 ≤ 1.1 · 14.
  assert.deepEqual(lists(lengthGroups([5, 10, 4, 9, 5], { tokensPerRun: 100, maxPadShare: 0.1 })), [[1, 3], [0, 4, 2]]);
  // A budget of 12 tokens lets only two rows of 5 share a batch.
  assert.deepEqual(lists(lengthGroups([5, 10, 4, 9, 5], { tokensPerRun: 12, maxPadShare: 0.1 })), [[1], [3], [0, 4], [2]]);
  // No padding allowed: only equal lengths share a batch, in input order.
  assert.deepEqual(lists(lengthGroups([5, 10, 4, 9, 5], { tokensPerRun: 100, maxPadShare: 0 })), [[1], [3], [0, 4], [2]]);
  // A text longer than the budget still runs, alone.
  assert.deepEqual(lists(lengthGroups([50, 3], { tokensPerRun: 10, maxPadShare: 1 })), [[0], [1]]);
  assert.deepEqual(lengthGroups([]), []);
});

test('on random mixes every text lands in one group, within both limits, and no group could take its next text', () => {
  const rng = createRng(5);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(300);
    const lengths = Array.from({ length: n }, () => 3 + Math.floor(Math.exp(3 + rng.gaussian())) % 300);
    const options: LengthGroupOptions = { tokensPerRun: 64 + rng.int(4000), maxPadShare: [0, 0.1, 0.5, 2][rng.int(4)] };
    const groups = lengthGroups(lengths, options);
    const flat = groups.flatMap((g) => Array.from(g));
    assert.deepEqual([...flat].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), 'a permutation');
    for (let i = 1; i < flat.length; i++) assert.ok(lengths[flat[i]] <= lengths[flat[i - 1]], 'longest first throughout');
    let at = 0;
    for (const g of groups) {
      const seq = lengths[g[0]];
      const real = Array.from(g).reduce((s, i) => s + lengths[i], 0);
      if (g.length > 1) {
        assert.ok(g.length * seq <= options.tokensPerRun, 'within the token budget');
        assert.ok(g.length * seq <= (1 + options.maxPadShare) * real + 1e-9, 'within the padding share');
      }
      at += g.length;
      if (at < n) {
        const next = lengths[flat[at]];
        const rows = g.length + 1;
        assert.ok(rows * seq > options.tokensPerRun || rows * seq > (1 + options.maxPadShare) * (real + next), 'greedy: the next text did not fit');
      }
    }
  }
});
