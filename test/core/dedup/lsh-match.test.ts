import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { lshBands } from '../../../core/dedup/lsh-bands.js';
import { nearestEarlier } from '../../../core/dedup/lsh-match.js';
import { estimatedJaccard, minhashFamily, minhashSignature } from '../../../core/dedup/minhash.js';
import { fmix32 } from '../../../core/dedup/shingles.js';

/** n sets of 30 shingles; every 5th row starts a group, the next four are copies with `changed` elements replaced. */
function groupedSignatures(n: number, P: number, changed: number) {
  const family = minhashFamily(P, 11);
  const rng = createRng(5);
  const sigs = new Uint32Array(n * P);
  const sets: Uint32Array[] = [];
  for (let i = 0; i < n; i++) {
    const set = i % 5 === 0 ? Uint32Array.from({ length: 30 }, () => fmix32(rng.int(1 << 30))) : Uint32Array.from(sets[i - (i % 5)]);
    if (i % 5) for (let c = 0; c < changed; c++) set[rng.int(30)] = fmix32(rng.int(1 << 30));
    sets.push(set);
    minhashSignature(set, family, sigs, i * P);
  }
  return { sigs, sets };
}

test('nearestEarlier: every copy finds an earlier row of its group; estimates are those of the signatures', () => {
  const P = 128;
  const n = 500;
  const { sigs } = groupedSignatures(n, P, 1);
  const { match, jaccard } = nearestEarlier(sigs, n, P, lshBands(0.7, P));
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) {
      assert.equal(match[i], -1, `group start ${i} matched ${match[i]}`);
      continue;
    }
    assert.ok(match[i] >= i - (i % 5) && match[i] < i, `row ${i} matched ${match[i]}`);
    assert.equal(jaccard[i], estimatedJaccard(sigs, P, i, match[i]));
  }
});

test('nearestEarlier: the best candidate by brute force over all earlier rows sharing a band', () => {
  const P = 64;
  const n = 200;
  const { sigs } = groupedSignatures(n, P, 6);
  const banding = lshBands(0.5, P);
  const { match, jaccard } = nearestEarlier(sigs, n, P, banding);
  const bandEqual = (i: number, j: number, b: number) => {
    for (let q = 0; q < banding.rows; q++) if (sigs[i * P + b * banding.rows + q] !== sigs[j * P + b * banding.rows + q]) return false;
    return true;
  };
  for (let i = 0; i < n; i++) {
    // Candidates: per band, the earliest row with that band equal (the bucket's first member).
    let best = -1;
    let bestJ = NaN;
    for (let b = 0; b < banding.bands; b++) {
      let head = -1;
      for (let j = 0; j < n && head < 0; j++) if (bandEqual(i, j, b)) head = j;
      if (head >= 0 && head !== i) {
        const e = estimatedJaccard(sigs, P, i, head);
        if (best < 0 || e > bestJ || (e === bestJ && head < best)) [best, bestJ] = [head, e];
      }
    }
    assert.equal(match[i], best, `row ${i}`);
    if (best >= 0) assert.equal(jaccard[i], bestJ);
  }
});

test('rows left out by `use` are neither matched nor matched to; reference rows first match later copies', () => {
  const P = 32;
  const { sigs } = groupedSignatures(10, P, 0);
  const use = Uint8Array.from({ length: 10 }, (_, i) => (i === 0 ? 0 : 1));
  const { match } = nearestEarlier(sigs, 10, P, lshBands(0.8, P), use);
  assert.equal(match[0], -1);
  assert.deepEqual([...match.subarray(1, 5)], [-1, 1, 1, 1]);
  assert.deepEqual([...match.subarray(5)], [-1, 5, 5, 5, 5]);
});

test('nearestEarlier with a reference: later rows match only reference rows, reference rows match nothing', () => {
  const P = 128;
  const n = 500;
  // Rows 0–249 are the reference; its groups of five continue past row 250, and the later rows' own groups (from 250) have no reference row.
  const { sigs } = groupedSignatures(n, P, 1);
  const reference = 252;
  const { match, jaccard } = nearestEarlier(sigs, n, P, lshBands(0.7, P), undefined, reference);
  for (let i = 0; i < reference; i++) assert.equal(match[i], -1, `reference row ${i} matched ${match[i]}`);
  // Rows 252–254 are copies in the group started at 250 (a reference row); every other later row's group starts at or after 255.
  for (let i = reference; i < 255; i++) {
    assert.ok(match[i] === 250 || match[i] === 251, `row ${i} matched ${match[i]}, not its reference group`);
    assert.equal(jaccard[i], estimatedJaccard(sigs, P, i, match[i]));
  }
  for (let i = 255; i < n; i++) assert.ok(match[i] < 0 || match[i] < reference, `row ${i} matched a later row ${match[i]}`);
});
