/**
 * The candidate pairs of MinHash LSH (Leskovec, Rajaraman & Ullman, Mining of Massive Datasets,
 * §3.4): each row with the earlier rows it shares a band with. Input: n signatures of P values,
 * row-major, in row order (minhash.ts), banded by lsh-bands.ts. A row's candidates are, for each
 * band, the earliest row whose band is equal to its own (the bucket's first member): rows that
 * share a bucket all meet its first member, so a duplicate group links to its earliest row
 * without the O(bucket²) pairs that comparing every member with every other would cost.
 * Candidates are then confirmed by the exact Jaccard of their shingle sets (exact-jaccard.ts),
 * as NeMo Curator does after bucketing.
 *
 * Buckets without hash tables: per band, each row's band hash and index packed into one
 * 64-bit word (hash high, index low) and sorted by the engine's native BigUint64Array sort;
 * a run of equal hashes is a bucket and its first word holds its earliest row. 8 bytes a row,
 * reused across bands. Band hashes are 32 bits, so unrelated bands can collide: the Jaccard
 * check each candidate gets is what decides.
 *
 * Matching new rows against a reference set is the same call with the reference's
 * signatures first and `reference` set to their count: only reference rows are then candidates, and a bucket holding any reference row has one as its first member, so each
 * later row meets the reference rows it shares a band with and nothing else.
 */
import type { LshBands } from './lsh-bands.js';
import { fmix32 } from './shingles.js';

export interface CandidatePairs {
  /** The later row of each pair, ascending. */
  row: Int32Array;
  /** Its earlier candidate; for one row, ascending and distinct. */
  head: Int32Array;
}

/**
 * `signatures` (n × P, row-major), `use[i]` 0 to leave row i out (an empty shingle set), the
 * banding; `reference` > 0: the first `reference` rows are a reference set, the only
 * candidates, and get none themselves. Returns the distinct (row, earlier candidate) pairs,
 * at most `bands` a row.
 */
export function lshCandidates(signatures: Uint32Array, n: number, permutations: number, banding: LshBands, use?: Uint8Array, reference = 0): CandidatePairs {
  const { bands, rows } = banding;
  if (bands * rows > permutations) throw new RangeError(`${bands} bands × ${rows} rows exceed ${permutations} permutations`);
  if (signatures.length < n * permutations) throw new RangeError(`signatures hold ${signatures.length} values, fewer than ${n} rows × ${permutations}`);
  if (n >= 0x80000000) throw new RangeError(`at most 2³¹ − 1 rows, got ${n}`);
  const members: number[] = [];
  for (let i = 0; i < n; i++) if (!use || use[i]) members.push(i);
  const m = members.length;
  const words = new BigUint64Array(m);
  // Little-endian halves of each word: [2k] the row (low), [2k + 1] the band hash (high).
  const halves = new Uint32Array(words.buffer);
  // The pairs of all bands, packed (row high, head low) so one sort orders and dedupes them.
  let pairs = new BigUint64Array(1024);
  let pairHalves = new Uint32Array(pairs.buffer);
  let count = 0;
  for (let band = 0; band < bands; band++) {
    const first = band * rows;
    for (let k = 0; k < m; k++) {
      const o = members[k] * permutations + first;
      let h = band + 1;
      for (let q = 0; q < rows; q++) {
        h = Math.imul(h ^ signatures[o + q], 0x9e3779b1);
        h = (h << 13) | (h >>> 19);
      }
      halves[2 * k] = members[k];
      halves[2 * k + 1] = fmix32(h);
    }
    words.sort();
    let head = m > 0 ? halves[0] : 0;
    for (let k = 1; k < m; k++) {
      // A run of equal hashes is a bucket; its first word holds its earliest row.
      if (halves[2 * k + 1] !== halves[2 * k - 1]) {
        head = halves[2 * k];
        continue;
      }
      const i = halves[2 * k];
      if (reference > 0 && (head >= reference || i < reference)) continue;
      if (count === pairs.length) {
        const grown = new BigUint64Array(count * 2);
        grown.set(pairs);
        pairs = grown;
        pairHalves = new Uint32Array(pairs.buffer);
      }
      pairHalves[2 * count] = head;
      pairHalves[2 * count + 1] = i;
      count++;
    }
  }
  const sorted = pairs.subarray(0, count).sort();
  const halvesOf = new Uint32Array(sorted.buffer, sorted.byteOffset, count * 2);
  let distinct = 0;
  for (let k = 0; k < count; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) distinct++;
  const out: CandidatePairs = { row: new Int32Array(distinct), head: new Int32Array(distinct) };
  for (let k = 0, d = 0; k < count; k++) {
    if (k > 0 && sorted[k] === sorted[k - 1]) continue;
    out.row[d] = halvesOf[2 * k + 1];
    out.head[d++] = halvesOf[2 * k];
  }
  return out;
}
