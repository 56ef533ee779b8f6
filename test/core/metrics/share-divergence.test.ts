import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jensenShannon, totalVariation } from '../../../core/metrics/share-divergence.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12, `${what}: ${a} vs ${b}`);

test('jensenShannon matches SciPy on counts with zeros on either side', () => {
  // /usr/bin/python3 -c "from scipy.spatial.distance import jensenshannon as js; print(repr(js([3,1,0,4],[1,1,2,0],base=2)**2))"
  close(jensenShannon([3, 1, 0, 4], [1, 1, 2, 0]), 0.5243974703476992, 'scipy');
  close(jensenShannon([1, 1, 2, 0], [3, 1, 0, 4]), 0.5243974703476992, 'symmetric');
});

test('jensenShannon: 0 for the same shares at any scale, 1 for disjoint supports', () => {
  close(jensenShannon([10, 20, 30], [1, 2, 3]), 0, 'same shares');
  close(jensenShannon([5, 0], [0, 7]), 1, 'disjoint');
  // By hand: P = (1, 0), Q = (½, ½), M = (¾, ¼): ½·log2(4/3) + ½(½·log2(2/3) + ½·log2(2)).
  close(jensenShannon([1, 0], [1, 1]), 0.5 * Math.log2(4 / 3) + 0.5 * (0.5 * Math.log2(2 / 3) + 0.5), 'by hand');
});

test('totalVariation is half the L1 distance of the shares', () => {
  // (¾, ¼) against (¼, ¾): ½(½ + ½) = ½.
  close(totalVariation([3, 1], [100, 300]), 0.5, 'by hand');
  close(totalVariation([2, 2, 0], [0, 0, 9]), 1, 'disjoint');
  close(totalVariation([4, 6], [40, 60]), 0, 'same shares');
});

test('share divergences refuse mismatched categories, negative counts and empty distributions', () => {
  assert.throws(() => jensenShannon([1, 2], [1, 2, 3]), /2 and 3 categories/);
  assert.throws(() => totalVariation([1, -1], [1, 1]), /counts must be ≥ 0, got -1 at 1/);
  assert.throws(() => jensenShannon([0, 0], [1, 1]), /sum to 0/);
});
