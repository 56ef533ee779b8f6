/**
 * SemDeDup (Abbas et al. 2023, arXiv 2303.09540, §3) split into a pass that does not depend on
 * ε and a selection that does, so a new ε reruns only the selection. semclust's rule
 * (semdedup.ts) removes a row whose similarity to an earlier *kept* row is ≥ 1 − ε; which rows
 * are kept depends on ε (and not monotonically: a row removed at a larger ε may have been the
 * one that removed a later row), so no single per-row number gives the rule at another ε. What
 * does: every pair (earlier row, row) of a cluster in visiting order with similarity ≥ a floor
 * 1 − E. For any ε ≤ E the rule only looks at pairs ≥ 1 − ε ≥ 1 − E, so walking the rows in the
 * same order over the stored pairs gives exactly the rule's decisions and duplicates.
 *
 * Input: one cluster's rows, n × d row-major Float32Array, unit rows (cosine = dot product),
 * and a PairSimilarity kernel for d. The pass scores each block of b rows against every row
 * visited up to it: O(n² d / 2) work, where the kept-row pass does O(n × kept × d) (about the
 * same when few rows go), and O(b × n) scores in memory. The pairs grow with the duplicates
 * above the floor, not with n²: measured in docs/curate.md.
 */
import type { PairSimilarity } from '../kernels/pair-similarity.js';
import { takeRows } from '../util/rows.js';
import { dedupBlockRows, dedupOrder, type SemDeDupOptions, type SemDeDupResult } from './semdedup.js';

export interface SemDeDupPairs {
  /** Visiting order: rank → input index. */
  order: Uint32Array;
  /** Pairs of the row at rank r: earlier[start[r] … start[r + 1]), by ascending earlier rank. */
  start: Int32Array;
  /** The earlier row's rank. */
  earlier: Int32Array;
  similarity: Float32Array;
}

export interface PairsOptions extends Omit<SemDeDupOptions, 'epsilon'> {
  /** Pairs with cosine similarity ≥ floor (= 1 − the largest ε a selection may ask for) are kept. */
  floor: number;
}

/** The ε-free pass: every (earlier, later) pair of the cluster at or above the floor. */
export async function semDeDupPairs(kernel: PairSimilarity, x: Float32Array, n: number, d: number, options: PairsOptions): Promise<SemDeDupPairs> {
  if (kernel.d !== d) throw new RangeError(`kernel is for d = ${kernel.d}, rows have d = ${d}`);
  if (x.length < n * d) throw new RangeError(`x holds ${x.length} values, fewer than ${n} rows × ${d}`);
  if (!(options.floor > -1 && options.floor <= 1)) throw new RangeError(`floor must be in (−1, 1], got ${options.floor}`);
  const order = dedupOrder(x, n, d, options.keep, options.seed, options.centroid);
  const start = new Int32Array(n + 1);
  const earlier: number[] = [];
  const similarity: number[] = [];
  const b = options.blockRows ?? dedupBlockRows(n);
  if (!Number.isInteger(b) || b < 1) throw new RangeError(`blockRows must be a positive integer, got ${b}`);
  const visited = n > 0 ? takeRows(x, d, order) : new Float32Array(0);
  for (let first = 0; first < n; first += b) {
    const rows = Math.min(b, n - first);
    const m = first + rows;
    const scores = await kernel.run(visited.subarray(first * d), rows, visited, m);
    for (let r = 0; r < rows; r++) {
      const rank = first + r;
      start[rank] = earlier.length;
      for (let q = 0; q < rank; q++) {
        const s = scores[r * m + q];
        if (s >= options.floor) {
          earlier.push(q);
          similarity.push(s);
        }
      }
    }
  }
  start[n] = earlier.length;
  return { order, start, earlier: Int32Array.from(earlier), similarity: Float32Array.from(similarity) };
}

/**
 * The selection at ε over stored pairs: semDeDup's result (input order) for the same rows and
 * order, except that a kept row's similarity is known only down to the floor (−Infinity below
 * it, as for the first row). Throws when 1 − ε is below the floor the pairs were cut at.
 */
export function selectFromPairs(pairs: SemDeDupPairs, epsilon: number, floor: number): SemDeDupResult {
  const threshold = 1 - epsilon;
  if (!(threshold >= floor)) throw new RangeError(`ε = ${epsilon} needs pairs down to ${threshold}; they were kept down to ${floor}`);
  const { order, start, earlier, similarity: pairSimilarity } = pairs;
  const n = order.length;
  const kept = new Uint8Array(n);
  const nearestKept = new Int32Array(n).fill(-1);
  const similarity = new Float32Array(n).fill(-Infinity);
  const keptRank = new Uint8Array(n);
  for (let rank = 0; rank < n; rank++) {
    let best = -Infinity;
    let bestRank = -1;
    // Ascending earlier rank and a strict >: ties go to the earliest kept row, as in semDeDup.
    for (let p = start[rank]; p < start[rank + 1]; p++) {
      if (keptRank[earlier[p]] && pairSimilarity[p] > best) {
        best = pairSimilarity[p];
        bestRank = earlier[p];
      }
    }
    const i = order[rank];
    similarity[i] = best;
    nearestKept[i] = bestRank < 0 ? -1 : order[bestRank];
    if (best < threshold) {
      kept[i] = 1;
      keptRank[rank] = 1;
    }
  }
  return { kept, nearestKept, similarity };
}
