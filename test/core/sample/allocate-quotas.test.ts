import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateQuotas, type QuotaRule } from '../../../core/sample/allocate-quotas.js';
import { createRng } from '../../../core/util/random.js';

const sum = (q: Int32Array): number => q.reduce((s, v) => s + v, 0);

/** Allocations for seeds 0..19, as strings, to see whether the seed changes anything. */
function bySeed(sizes: number[], sampleSize: number, rule: QuotaRule): Set<string> {
  return new Set(Array.from({ length: 20 }, (_, seed) => allocateQuotas(sizes, sampleSize, rule, seed).join(',')));
}

test('sqrt: one per cluster, the rest by √size, rounded by largest remainder', () => {
  // sizes 100, 25, 9, 1 → weights 10, 5, 3, 1; 20 rows to hand out.
  // One each leaves 16 for weights summing to 19: the size-1 cluster's quota 1 + 16/19 exceeds
  // its size, so it gives its 1 row and 19 rows remain for the others: one each, then 16 over
  // weights 10 + 5 + 3 = 18, i.e. 8/9 per unit of weight:
  //   size 100: 1 + 80/9 = 9.889, size 25: 1 + 40/9 = 5.444, size 9: 1 + 24/9 = 3.667.
  // Floors 9 + 5 + 3 = 17; the 2 remaining rows go to the largest remainders, .889 and .667.
  assert.deepEqual(Array.from(allocateQuotas([100, 25, 9, 1], 20, 'sqrt', 1)), [10, 5, 4, 1]);
  assert.deepEqual(Array.from(allocateQuotas(Int32Array.of(1, 9, 25, 100), 20, 'sqrt', 2)), [1, 4, 5, 10]);
  // sizes 100, 81, 49 → weights 10, 9, 7; one each leaves 9 over 26: quotas 4.46, 4.12, 3.42.
  // Floors 4 + 4 + 3 = 11, so the one row left goes to the largest remainder, .46 (rounding each
  // to the nearest would hand out only 11).
  assert.deepEqual(Array.from(allocateQuotas([100, 81, 49], 12, 'sqrt', 3)), [5, 4, 3]);
});

test('sqrt: clusters smaller than their quota give all rows, the shortfall goes to the rest', () => {
  // Weights √2, √2, 10: one each leaves 27, so a size-2 cluster's quota is 1 + 27·√2/(2√2 + 10) = 3.97 > 2.
  // Both give their 2 rows; the size-100 cluster takes the remaining 26.
  assert.deepEqual(Array.from(allocateQuotas([2, 100, 2], 30, 'sqrt', 3)), [2, 26, 2]);
});

test('equal: even split, redistributed until no cluster is short', () => {
  // 25 over 4 clusters is 6.25 each: the size-2 cluster is short, leaving 23 over 3 = 7.67;
  // now the size-7 cluster is short too, leaving 16 over 2 = 8 each.
  assert.deepEqual(Array.from(allocateQuotas([100, 7, 2, 100], 25, 'equal', 4)), [8, 7, 2, 8]);
});

test('equal: remainder units go to a seeded choice of clusters', () => {
  // 16 over 4: the size-3 cluster gives 3, 13 over the three others is 4 each and 1 unit over.
  const seen = bySeed([3, 10, 10, 10], 16, 'equal');
  for (const s of seen) {
    const q = s.split(',').map(Number);
    assert.equal(q[0], 3);
    assert.deepEqual(q.slice(1).sort(), [4, 4, 5]);
  }
  assert.ok(seen.size > 1, 'another seed should move the extra unit');
  const a = allocateQuotas([3, 10, 10, 10], 16, 'equal', 9);
  assert.deepEqual(a, allocateQuotas([3, 10, 10, 10], 16, 'equal', 9));
});

test('sqrt: ties between equal-size clusters are seeded', () => {
  // 1 each, then 3 over four equal weights: 0.75 each, so three of the four clusters get a second row.
  const seen = bySeed([50, 50, 50, 50], 7, 'sqrt');
  for (const s of seen) assert.deepEqual(s.split(',').map(Number).sort(), [1, 2, 2, 2]);
  assert.ok(seen.size > 1);
});

test('sample size below the number of clusters: a seeded choice of clusters gets one each', () => {
  const sizes = [5, 0, 3, 8, 1, 0, 9, 2];
  for (const rule of ['equal', 'sqrt'] as const) {
    const seen = bySeed(sizes, 4, rule);
    for (const s of seen) {
      const q = s.split(',').map(Number);
      assert.equal(q.filter((v) => v === 1).length, 4);
      assert.equal(q.filter((v) => v === 0).length, 4);
      assert.equal(q[1] + q[5], 0, 'empty clusters get nothing');
    }
    assert.ok(seen.size > 1, `${rule}: another seed should choose other clusters`);
  }
});

test('sample size at or above the total rows takes every row', () => {
  for (const rule of ['equal', 'sqrt'] as const) {
    assert.deepEqual(Array.from(allocateQuotas([4, 0, 7], 11, rule, 1)), [4, 0, 7]);
    assert.deepEqual(Array.from(allocateQuotas([4, 0, 7], 500, rule, 1)), [4, 0, 7]);
    assert.deepEqual(Array.from(allocateQuotas([4, 0, 7], 0, rule, 1)), [0, 0, 0]);
    assert.deepEqual(Array.from(allocateQuotas([], 10, rule, 1)), []);
  }
});

test('random sizes: exact totals, quotas within sizes, fair by rule', () => {
  const rng = createRng(5);
  for (let trial = 0; trial < 60; trial++) {
    const k = 1 + rng.int(300);
    // Skewed sizes with some empty and some single-row clusters.
    const sizes = Int32Array.from({ length: k }, () => (rng.next() < 0.1 ? rng.int(2) : Math.floor(Math.exp(rng.next() * 7))));
    const total = sum(sizes);
    const sampleSize = rng.int(Math.floor(total * 1.2) + 1);
    for (const rule of ['equal', 'sqrt'] as const) {
      const q = allocateQuotas(sizes, sampleSize, rule, trial);
      assert.equal(sum(q), Math.min(sampleSize, total), `${rule} total`);
      for (let i = 0; i < k; i++) assert.ok(q[i] >= 0 && q[i] <= sizes[i], `${rule}: cluster ${i} gets ${q[i]} of ${sizes[i]}`);
      const nonEmpty = sizes.filter((s) => s > 0).length;
      const open = Array.from(q).filter((v, i) => v < sizes[i]);
      if (rule === 'equal') {
        // A cluster that still has rows left got at most one fewer than any other cluster.
        if (open.length) assert.ok(Math.min(...open) >= Math.max(...q) - 1, 'equal split');
      } else {
        if (sampleSize >= nonEmpty) for (let i = 0; i < k; i++) if (sizes[i] > 0) assert.ok(q[i] >= 1, 'one per cluster');
        // A larger cluster never gets more than one fewer row than a smaller one.
        for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (sizes[i] > sizes[j]) assert.ok(q[i] >= q[j] - 1, 'monotone in size');
      }
    }
  }
});

test('100k clusters are allocated in one go', () => {
  const rng = createRng(6);
  const sizes = Int32Array.from({ length: 100_000 }, () => 1 + Math.floor(Math.exp(rng.next() * 8)));
  const total = sum(sizes);
  for (const rule of ['equal', 'sqrt'] as const) {
    for (const sampleSize of [50_000, 400_000, total - 1]) {
      const q = allocateQuotas(sizes, sampleSize, rule, 7);
      assert.equal(sum(q), sampleSize);
      assert.ok(q.every((v, i) => v <= sizes[i]));
    }
  }
});

test('invalid sizes and sample sizes are rejected', () => {
  assert.throws(() => allocateQuotas([3, -1], 2, 'sqrt', 0), RangeError);
  assert.throws(() => allocateQuotas([3, 1.5], 2, 'sqrt', 0), RangeError);
  assert.throws(() => allocateQuotas([3, 1], -2, 'equal', 0), RangeError);
});
