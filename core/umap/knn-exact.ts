/**
 * The exact pass of the kNN search: candidate bookkeeping (a bounded min-heap per row) and
 * float64 distances from the original rows for the candidates, with an early stop and the
 * proof that the k found are the nearest when candidates came with approximate scores and
 * an error bound.
 */
import type { Neighbors } from '../util/neighbors.js';
import type { UmapMetric } from './knn.js';

/** The best `size` (score, index) pairs offered per row, as one min-heap per row. */
export class CandidateHeaps {
  readonly score: Float32Array;
  readonly index: Int32Array;
  /** The smallest kept score per row (−Infinity until the row's heap is full). */
  readonly floor: Float32Array;

  constructor(
    rows: number,
    readonly size: number,
  ) {
    this.score = new Float32Array(rows * size).fill(-Infinity);
    this.index = new Int32Array(rows * size).fill(-1);
    this.floor = new Float32Array(rows).fill(-Infinity);
  }

  /** Offers sorted (descending) candidates; stops at the first that cannot enter. */
  offer(row: number, scores: Float32Array | Int32Array, index: BigInt64Array, at: number, count: number, scale: number, offset: number, skip: number): void {
    for (let c = 0; c < count; c++) {
      const s = scores[at + c] * scale;
      if (!(s > this.floor[row])) return;
      const j = Number(index[at + c]) + offset;
      if (j !== skip) this.push(row, s, j);
    }
  }

  private push(row: number, s: number, j: number): void {
    const size = this.size, base = row * size, score = this.score, index = this.index;
    // Replace the root (the smallest) and sift down.
    let at = 0;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && score[base + child + 1] < score[base + child]) child++;
      if (score[base + child] >= s) break;
      score[base + at] = score[base + child];
      index[base + at] = index[base + child];
      at = child;
    }
    score[base + at] = s;
    index[base + at] = j;
    this.floor[row] = score[base];
  }

  /** Row `row`'s entries sorted by score, descending, into `score`/`index` (insertion sort: few entries). */
  sorted(row: number, score: Float32Array, index: Int32Array): void {
    const size = this.size, base = row * size;
    for (let i = 0; i < size; i++) {
      const v = this.score[base + i], j = this.index[base + i];
      let p = i;
      while (p > 0 && score[p - 1] < v) {
        score[p] = score[p - 1];
        index[p] = index[p - 1];
        p--;
      }
      score[p] = v;
      index[p] = j;
    }
  }
}

/** What the exact pass needs about the rows searched for and searched among. */
export interface ExactContext {
  metric: UmapMetric;
  dim: number;
  query: Float32Array;
  reference: Float32Array;
  /** Squared norms of the query and reference rows (cosine). */
  queryNorms: Float64Array | null;
  refNorms: Float64Array | null;
}

/** Float64 distance between query row `i` and reference row `j`. */
function exactDistance(c: ExactContext, i: number, j: number): number {
  const dim = c.dim, qo = i * dim, ro = j * dim, q = c.query, r = c.reference;
  if (c.refNorms) {
    let dot = 0;
    for (let t = 0; t < dim; t++) dot += q[qo + t] * r[ro + t];
    const qq = c.queryNorms![i], rr = c.refNorms[j];
    if (qq === 0 && rr === 0) return 0;
    if (qq === 0 || rr === 0) return 1;
    return Math.max(0, 1 - dot / Math.sqrt(qq * rr));
  }
  let ss = 0;
  for (let t = 0; t < dim; t++) {
    const diff = q[qo + t] - r[ro + t];
    ss += diff * diff;
  }
  return Math.sqrt(ss);
}

function scoreOf(metric: UmapMetric, distance: number): number {
  return metric === 'cosine' ? 1 - distance : -(distance * distance) / 2;
}

/**
 * Writes row `row` of `out` from candidates `cand[from .. from + count)` ordered by
 * approximate score `approx` (descending; null: evaluate all): exact distances, ascending.
 * With `self` ≥ 0 that index is put first at distance 0 and skipped among the candidates.
 * Candidates are evaluated until one's approximate score plus `eps` cannot beat the k-th
 * exact score. Returns whether the k found are proven nearest: the k-th exact score is at
 * least `outside`, the bound on every non-candidate's score.
 */
export function finishRow(
  c: ExactContext,
  queryRow: number,
  cand: Int32Array,
  approx: Float32Array | null,
  from: number,
  count: number,
  eps: number,
  outside: number,
  out: Neighbors,
  row: number,
  self: number,
): boolean {
  const k = out.k, base = row * k, idx = out.indices, dist = out.distances;
  const fixed = self >= 0 ? 1 : 0;
  if (fixed) {
    idx[base] = self;
    dist[base] = 0;
  }
  let filled = fixed;
  // Exact score of the k-th neighbour once there are k (with k = 1 and self, nothing can enter).
  let kth = filled === k ? Infinity : -Infinity;
  for (let i = 0; i < count; i++) {
    if (approx && filled === k && approx[from + i] + eps < kth) break;
    const j = cand[from + i];
    if (j === self || j < 0) continue;
    const d = exactDistance(c, queryRow, j);
    if (filled === k && d >= dist[base + k - 1]) continue;
    let p = base + (filled < k ? filled++ : k - 1);
    while (p > base + fixed && dist[p - 1] > d) {
      dist[p] = dist[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    dist[p] = d;
    idx[p] = j;
    if (filled === k) kth = scoreOf(c.metric, dist[base + k - 1]);
  }
  return filled === k && kth >= outside;
}
