/**
 * UMAP's high-dimensional graph: each point's kNN list becomes a local fuzzy set with
 * memberships exp(−(d − rho)/sigma), and the local sets are combined into one symmetric
 * graph by the probabilistic t-conorm (fuzzy union) a + b − ab, optionally mixed with the
 * intersection ab.
 */
import type { Neighbors } from '../util/neighbors.js';
import { smoothKnnDistances, type SmoothKnn } from './smooth-knn.js';

/** A symmetric sparse graph in CSR form, columns ascending within each row. */
export interface FuzzyGraph {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  weights: Float32Array;
}

/**
 * Membership strength of every kNN entry (rows × k). With `selfIndexed` (fitting: row i of
 * the lists is reference point i) a point's membership in its own set is 0; missing
 * neighbours (index −1) are 0 too.
 */
export function membershipStrengths(neighbors: Neighbors, smooth: SmoothKnn, selfIndexed: boolean): Float32Array {
  const { rows, k, indices, distances } = neighbors;
  const { sigmas, rhos } = smooth;
  const out = new Float32Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const rho = rhos[i], sigma = sigmas[i];
    for (let j = 0, p = i * k; j < k; j++, p++) {
      const idx = indices[p];
      if (idx < 0 || (selfIndexed && idx === i)) continue;
      const d = distances[p] - rho;
      out[p] = d <= 0 || sigma === 0 ? 1 : Math.exp(-d / sigma);
    }
  }
  return out;
}

export interface FuzzySetOptions {
  localConnectivity?: number;
  /** 1 = pure fuzzy union, 0 = pure fuzzy intersection. */
  setOpMixRatio?: number;
}

/** The symmetric fuzzy graph of the reference points' own kNN lists (self first). */
export function fuzzySimplicialSet(neighbors: Neighbors, options: FuzzySetOptions = {}): FuzzyGraph {
  const smooth = smoothKnnDistances(neighbors.distances, neighbors.k, options.localConnectivity ?? 1);
  const weights = membershipStrengths(neighbors, smooth, true);
  return symmetrize(neighbors, weights, options.setOpMixRatio ?? 1);
}

/** mix·(P + Pᵀ − P∘Pᵀ) + (1 − mix)·P∘Pᵀ for the directed membership graph P. */
function symmetrize(neighbors: Neighbors, weights: Float32Array, mix: number): FuzzyGraph {
  const n = neighbors.rows;
  const forward = directedCsr(n, neighbors.k, neighbors.indices, weights);
  const backward = transpose(forward);

  // Upper bound on the merged size: every entry of P and of Pᵀ separately.
  const cap = forward.indices.length * 2;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(cap);
  const values = new Float32Array(cap);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    let a = forward.indptr[i], b = backward.indptr[i];
    const aEnd = forward.indptr[i + 1], bEnd = backward.indptr[i + 1];
    while (a < aEnd || b < bEnd) {
      const ca = a < aEnd ? forward.indices[a] : n;
      const cb = b < bEnd ? backward.indices[b] : n;
      const col = Math.min(ca, cb);
      const p = ca === col ? forward.weights[a++] : 0;
      const q = cb === col ? backward.weights[b++] : 0;
      const product = p * q;
      const w = mix * (p + q - product) + (1 - mix) * product;
      if (w > 0) {
        indices[nnz] = col;
        values[nnz++] = w;
      }
    }
    indptr[i + 1] = nnz;
  }
  return { n, indptr, indices: indices.slice(0, nnz), weights: values.slice(0, nnz) };
}

/** P with zero entries dropped and each row sorted by column. */
function directedCsr(n: number, k: number, neighborIdx: Int32Array, weights: Float32Array): FuzzyGraph {
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(n * k);
  const values = new Float32Array(n * k);
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    const start = nnz;
    for (let j = 0, p = i * k; j < k; j++, p++) {
      if (!(weights[p] > 0)) continue;
      // Insertion by column keeps the row sorted; rows hold at most k entries.
      const col = neighborIdx[p], w = weights[p];
      let q = nnz++;
      while (q > start && indices[q - 1] > col) {
        indices[q] = indices[q - 1];
        values[q] = values[q - 1];
        q--;
      }
      indices[q] = col;
      values[q] = w;
    }
    indptr[i + 1] = nnz;
  }
  return { n, indptr, indices: indices.subarray(0, nnz), weights: values.subarray(0, nnz) };
}

/** Counting-sort transpose; rows come out sorted because sources are visited in order. */
function transpose(g: FuzzyGraph): FuzzyGraph {
  const { n } = g;
  const nnz = g.indptr[n];
  const indptr = new Int32Array(n + 1);
  for (let p = 0; p < nnz; p++) indptr[g.indices[p] + 1]++;
  for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
  const next = indptr.slice(0, n);
  const indices = new Int32Array(nnz);
  const weights = new Float32Array(nnz);
  for (let i = 0; i < n; i++) {
    for (let p = g.indptr[i]; p < g.indptr[i + 1]; p++) {
      const q = next[g.indices[p]]++;
      indices[q] = i;
      weights[q] = g.weights[p];
    }
  }
  return { n, indptr, indices, weights };
}
