import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactConfirmer, exactJaccard } from '../../../core/dedup/exact-jaccard.js';
import { fuzzyGroups } from '../../../core/dedup/fuzzy-groups.js';
import { lshBands } from '../../../core/dedup/lsh-bands.js';
import { lshCandidates } from '../../../core/dedup/lsh-match.js';
import { estimatedJaccard, minhashFamily, minhashSignature } from '../../../core/dedup/minhash.js';
import { fmix32 } from '../../../core/dedup/shingles.js';
import { createRng } from '../../../core/util/random.js';

const sorted = (xs: number[]) => Uint32Array.from(new Set(xs)).sort();

test('exactJaccard: |A ∩ B| / |A ∪ B| of sorted hash sets, as Set arithmetic gives it', () => {
  const rng = createRng(3);
  for (let t = 0; t < 200; t++) {
    const a = sorted(Array.from({ length: rng.int(40) }, () => rng.int(60)));
    const b = sorted(Array.from({ length: rng.int(40) }, () => rng.int(60)));
    const both = [...a].filter((x) => b.includes(x)).length;
    const union = new Set([...a, ...b]).size;
    assert.equal(exactJaccard(a, b), union ? both / union : 0, `${a} / ${b}`);
  }
  assert.equal(exactJaccard(sorted([1, 2, 3, 4]), sorted([2, 3, 4, 5])), 3 / 5);
});

test('ExactConfirmer: each row keeps its candidate of highest exact Jaccard (ties to the earlier); a head is held only until its last partner', () => {
  const sets = [sorted([1, 2, 3, 4, 5]), sorted([1, 2, 3, 4, 6]), sorted([1, 2, 3, 4, 5, 6]), sorted([9, 10]), sorted([1, 2, 3, 4, 7])];
  // Row 2 meets 0 (5/6) and 1 (5/6): a tie, the earlier wins; row 4 meets 1 (4/6) and 3 (0).
  const pairs = { row: Int32Array.from([2, 2, 4, 4]), head: Int32Array.from([0, 1, 1, 3]) };
  const c = new ExactConfirmer(pairs, 5);
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => c.needs(k)), [true, true, true, true, true]);
  sets.forEach((s, k) => c.visit(k, s));
  const { match, jaccard } = c.result();
  assert.deepEqual([...match], [-1, -1, 0, -1, 1]);
  assert.deepEqual([...jaccard].map((j) => (Number.isNaN(j) ? null : Number(j.toFixed(4)))), [null, null, 0.8333, null, 0.6667]);
  // Rows 0 and 1 wait together, then 1 and 3: row 2 released 0 (its last partner) before 3 came.
  assert.equal(c.peakHeld, 2);
});

test('ExactConfirmer: a row not in any pair needs no text; visiting out of order or skipping a head is refused', () => {
  const pairs = { row: Int32Array.from([3]), head: Int32Array.from([1]) };
  const c = new ExactConfirmer(pairs, 5);
  assert.deepEqual([0, 1, 2, 3, 4].map((k) => c.needs(k)), [false, true, false, true, false]);
  assert.throws(() => c.visit(3, sorted([1])), /candidate 1 was not visited/);
  const d = new ExactConfirmer(pairs, 5);
  d.visit(1, sorted([1]));
  assert.throws(() => d.result(), /1 rows still wait/);
  assert.throws(() => d.visit(0, sorted([1])), /row 0 visited after row 1/);
  assert.throws(() => new ExactConfirmer({ row: Int32Array.from([1]), head: Int32Array.from([2]) }, 5), /not a later row/);
});

test('a pair LSH finds whose estimate is under the threshold and exact Jaccard over it is a duplicate by the exact rule', () => {
  // 10 shingles, one replaced: Jaccard 9/11 = 0.818 ≥ 0.8. Over seeds of the MinHash family, the
  // first where the 128-permutation estimate falls under 0.8 while LSH still pairs the two rows.
  const P = 128;
  const threshold = 0.8;
  const banding = lshBands(threshold, P, 0.9);
  const a = Array.from({ length: 10 }, (_, i) => fmix32(i + 1));
  const b = [...a.slice(1), fmix32(1000)];
  const [sa, sb] = [sorted(a), sorted(b)];
  let tried = 0;
  for (let seed = 1; seed < 2000; seed++) {
    const family = minhashFamily(P, seed);
    const sigs = new Uint32Array(2 * P);
    minhashSignature(sa, family, sigs, 0);
    minhashSignature(sb, family, sigs, P);
    const estimate = estimatedJaccard(sigs, P, 1, 0);
    const pairs = lshCandidates(sigs, 2, P, banding);
    if (!(estimate < threshold && pairs.row.length === 1)) continue;
    tried++;
    const c = new ExactConfirmer(pairs, 2);
    c.visit(0, sa);
    c.visit(1, sb);
    const { match, jaccard } = c.result();
    assert.equal(match[1], 0);
    assert.equal(jaccard[1], Math.fround(9 / 11));
    // The estimate would keep row 1; the exact rule makes it a duplicate of row 0.
    assert.deepEqual([...fuzzyGroups(Int32Array.from([-1, 0]), Float32Array.from([NaN, estimate]), threshold).kept], [1, 1]);
    assert.deepEqual([...fuzzyGroups(match, jaccard, threshold).kept], [1, 0]);
    break;
  }
  assert.equal(tried, 1, 'no seed gave an estimate under the threshold for a pair LSH found');
});
