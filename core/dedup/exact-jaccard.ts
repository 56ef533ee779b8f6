/**
 * Confirms MinHash LSH candidates (lsh-match.ts) by the exact Jaccard similarity |A ∩ B| / |A ∪ B|
 * of the two rows' shingle sets, as NeMo Curator's fuzzy dedup does after bucketing, instead of
 * the signatures' estimate. Why: at P = 128 the estimate's standard error is √(J(1 − J)/P), 0.032
 * at J = 0.85, so a Banking77 query one word away from its original (J ≈ 0.85) falls under a 0.8
 * threshold about 6% of the time even after LSH found it; the exact value never does. Inputs:
 * shingle hashes (shingles.ts) sorted ascending and distinct; a set is compared as its 32-bit
 * hashes, so two different shingles of a pair collide with probability about m²/2³² (2·10⁻⁶ at
 * m = 100 shingles).
 *
 * Memory: the rows are visited once in row order (a second read of the texts); a row's shingles
 * are held only while it is the earlier side of a pair whose later row has not been visited, so
 * what is held is the live candidates' sets, never every row's.
 */
import type { CandidatePairs } from './lsh-match.js';

/** |A ∩ B| / |A ∪ B| of two sorted, distinct hash arrays; 0 when both are empty. */
export function exactJaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let both = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      both++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - both;
  return union === 0 ? 0 : both / union;
}

export interface EarlierMatch {
  /** Per row: the most similar earlier candidate (row index), −1 when there was none. */
  match: Int32Array;
  /** Per row: its exact Jaccard (NaN when there was no candidate). Ties go to the earlier row. */
  jaccard: Float32Array;
}

/**
 * Each row's best candidate by exact Jaccard, fed the rows' shingles in row order: `needs(k)`
 * says whether row k takes part in a pair (only those need their text read and shingled),
 * `visit(k, shingles)` gives them, `result()` the best earlier match of every row.
 */
export class ExactConfirmer {
  private readonly start: Int32Array;
  /** Per row: the last later row that has it as a candidate (−1 none). */
  private readonly lastPartner: Int32Array;
  private readonly held = new Map<number, Uint32Array>();
  private readonly match: Int32Array;
  private readonly jaccard: Float32Array;
  private next = 0;
  /** The most shingle sets held at once (what the confirming read's memory grows with). */
  peakHeld = 0;

  constructor(
    private readonly pairs: CandidatePairs,
    n: number,
  ) {
    this.start = new Int32Array(n + 1);
    this.lastPartner = new Int32Array(n).fill(-1);
    for (let p = 0; p < pairs.row.length; p++) {
      const [row, head] = [pairs.row[p], pairs.head[p]];
      if (!(head < row && row < n) || (p > 0 && row < pairs.row[p - 1])) throw new RangeError(`pair ${p} (${row}, ${head}) is not a later row of ${n} in row order with an earlier candidate`);
      this.start[row + 1]++;
      if (row > this.lastPartner[head]) this.lastPartner[head] = row;
    }
    for (let k = 0; k < n; k++) this.start[k + 1] += this.start[k];
    this.match = new Int32Array(n).fill(-1);
    this.jaccard = new Float32Array(n).fill(NaN);
  }

  /** Row k is in some pair: its shingles must be visited. */
  needs(k: number): boolean {
    return this.lastPartner[k] >= 0 || this.start[k + 1] > this.start[k];
  }

  /** Row k's sorted, distinct shingle hashes; rows that `needs` must come in ascending order. */
  visit(k: number, shingles: Uint32Array): void {
    if (k < this.next) throw new RangeError(`row ${k} visited after row ${this.next - 1}`);
    this.next = k + 1;
    for (let p = this.start[k]; p < this.start[k + 1]; p++) {
      const head = this.pairs.head[p];
      const theirs = this.held.get(head);
      if (!theirs) throw new RangeError(`row ${k}'s candidate ${head} was not visited`);
      // Compared as stored (float32); heads ascend within a row, so a strict > leaves a tie with the earlier one.
      const j = Math.fround(exactJaccard(shingles, theirs));
      if (this.match[k] < 0 || j > this.jaccard[k]) {
        this.match[k] = head;
        this.jaccard[k] = j;
      }
      if (this.lastPartner[head] === k) this.held.delete(head);
    }
    if (this.lastPartner[k] > k) {
      this.held.set(k, shingles);
      if (this.held.size > this.peakHeld) this.peakHeld = this.held.size;
    }
  }

  /** Every row's best earlier match (call after the last row that `needs`). */
  result(): EarlierMatch {
    if (this.held.size > 0) throw new RangeError(`${this.held.size} rows still wait for a later candidate; visit every row that needs it`);
    return { match: this.match, jaccard: this.jaccard };
  }
}
