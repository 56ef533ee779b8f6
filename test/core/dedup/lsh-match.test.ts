import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { lshBands } from '../../../core/dedup/lsh-bands.js';
import { lshCandidates, type CandidatePairs } from '../../../core/dedup/lsh-match.js';
import { minhashFamily, minhashSignature } from '../../../core/dedup/minhash.js';
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

/** Per row, its candidates (ascending) from the pairs. */
function byRow(pairs: CandidatePairs, n: number): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  pairs.row.forEach((r, p) => out[r].push(pairs.head[p]));
  return out;
}

test('lshCandidates: every copy has an earlier row of its group among its candidates; group starts have none', () => {
  const P = 128;
  const n = 500;
  const { sigs } = groupedSignatures(n, P, 1);
  const candidates = byRow(lshCandidates(sigs, n, P, lshBands(0.7, P)), n);
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) assert.deepEqual(candidates[i], [], `group start ${i}`);
    else assert.ok(candidates[i].some((h) => h >= i - (i % 5) && h < i), `row ${i}: ${candidates[i]}`);
  }
});

test('lshCandidates: per row, the earliest row of each band it shares, by brute force; sorted and distinct', () => {
  const P = 64;
  const n = 200;
  const { sigs } = groupedSignatures(n, P, 6);
  const banding = lshBands(0.5, P);
  const pairs = lshCandidates(sigs, n, P, banding);
  for (let p = 1; p < pairs.row.length; p++) assert.ok(pairs.row[p] > pairs.row[p - 1] || (pairs.row[p] === pairs.row[p - 1] && pairs.head[p] > pairs.head[p - 1]), `pair ${p} out of order`);
  const candidates = byRow(pairs, n);
  const bandEqual = (i: number, j: number, b: number) => {
    for (let q = 0; q < banding.rows; q++) if (sigs[i * P + b * banding.rows + q] !== sigs[j * P + b * banding.rows + q]) return false;
    return true;
  };
  let found = 0;
  for (let i = 0; i < n; i++) {
    const expected = new Set<number>();
    for (let b = 0; b < banding.bands; b++) {
      let head = -1;
      for (let j = 0; j < n && head < 0; j++) if (bandEqual(i, j, b)) head = j;
      if (head >= 0 && head !== i) expected.add(head);
    }
    assert.deepEqual(candidates[i], [...expected].sort((a, b) => a - b), `row ${i}`);
    found += expected.size;
  }
  assert.ok(found > n / 2, `only ${found} pairs: the case tests nothing`);
});

test('rows left out by `use` are neither matched nor matched to', () => {
  const P = 32;
  const { sigs } = groupedSignatures(10, P, 0);
  const use = Uint8Array.from({ length: 10 }, (_, i) => (i === 0 ? 0 : 1));
  const candidates = byRow(lshCandidates(sigs, 10, P, lshBands(0.8, P), use), 10);
  assert.deepEqual(candidates, [[], [], [1], [1], [1], [], [5], [5], [5], [5]]);
});

test('lshCandidates with a reference: later rows meet only reference rows, reference rows meet nothing', () => {
  const P = 128;
  const n = 500;
  // Rows 0–249 are the reference; its groups of five continue past row 250, and the later rows' own groups (from 250) have no reference row.
  const { sigs } = groupedSignatures(n, P, 1);
  const reference = 252;
  const candidates = byRow(lshCandidates(sigs, n, P, lshBands(0.7, P), undefined, reference), n);
  for (let i = 0; i < reference; i++) assert.deepEqual(candidates[i], [], `reference row ${i}`);
  // Rows 252–254 are copies in the group started at 250 (a reference row); every other later row's group starts at or after 255.
  for (let i = reference; i < 255; i++) assert.ok(candidates[i].some((h) => h === 250 || h === 251), `row ${i}: ${candidates[i]}, not its reference group`);
  for (let i = reference; i < n; i++) assert.ok(candidates[i].every((h) => h < reference), `row ${i} met a later row: ${candidates[i]}`);
});
