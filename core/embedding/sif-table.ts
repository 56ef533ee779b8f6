/**
 * Smooth Inverse Frequency (Arora et al., 2017) folded into a word-vector table, so that a
 * plain sum of table rows is the SIF sentence embedding: each row is scaled by
 * a / (a + p(w)), then the table's top principal components are projected out of every
 * row (removing them from the rows removes them from every sum, since the sum is linear).
 * Word probabilities come from frequency ranks (Zipf: p ∝ 1/rank), as the source vectors
 * ship ranks but no counts.
 *
 * The components are those of the rows scaled by p(w), each word's expected share of a
 * text, not of the bare rows: the paper removes what dominates sentence embeddings, and
 * that is the frequent words, while an unweighted vocabulary is mostly rare words.
 * On Banking77 (k-means, k=77) this takes NMI from 0.580 (unweighted, one component) to
 * 0.607 with four components removed.
 */
import type { OnStep } from '../util/progress-event.js';

/** p(w) = (1/rank(w)) / Σ 1/rank over the given (1-based) ranks. */
export function zipfProbabilities(ranks: ArrayLike<number>): Float64Array {
  let harmonic = 0;
  for (let i = 0; i < ranks.length; i++) harmonic += 1 / ranks[i];
  const p = new Float64Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) p[i] = 1 / (ranks[i] * harmonic);
  return p;
}

/** SIF weights a / (a + p(w)). */
export function sifWeights(p: ArrayLike<number>, a: number): Float32Array {
  const weights = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) weights[i] = a / (a + p[i]);
  return weights;
}

/** Multiplies row i of a row-major table by weights[i], in place. */
export function scaleRows(table: Float32Array, dims: number, weights: ArrayLike<number>): void {
  for (let i = 0, off = 0; i < weights.length; i++, off += dims) {
    const w = weights[i];
    for (let j = 0; j < dims; j++) table[off + j] *= w;
  }
}

/**
 * The top `count` principal components of the rows, each row scaled by rowWeights[i]
 * (all 1 when omitted), uncentred as in the SIF paper (top right singular vectors).
 * Power iteration with deflation on the dims × dims Gram matrix, which is built in one pass
 * so the iteration never touches the table again. Row-major [count, dims], unit rows,
 * each with its largest entry positive.
 */
export function principalComponents(
  table: Float32Array,
  dims: number,
  count: number,
  rowWeights?: ArrayLike<number>,
  options: { maxIterations?: number; tolerance?: number; onStep?: OnStep } = {},
): Float64Array {
  const maxIterations = options.maxIterations ?? 10_000;
  const tolerance = options.tolerance ?? 1e-14;
  const gram = new Float64Array(dims * dims);
  const row = new Float64Array(dims);
  // Progress: rows of the Gram pass (about 1 s per 100k × 100 here), then one unit per component.
  const rows = table.length / dims;
  const onStep = options.onStep;
  for (let i = 0, off = 0; off < table.length; i++, off += dims) {
    if (onStep && i % 8192 === 0) onStep(i, rows + count);
    const w = rowWeights ? rowWeights[i] : 1;
    for (let j = 0; j < dims; j++) row[j] = w * table[off + j];
    for (let j = 0; j < dims; j++) {
      const rj = row[j];
      const base = j * dims;
      for (let k = j; k < dims; k++) gram[base + k] += rj * row[k];
    }
  }
  for (let j = 0; j < dims; j++) for (let k = 0; k < j; k++) gram[j * dims + k] = gram[k * dims + j];

  const components = new Float64Array(count * dims);
  let v = new Float64Array(dims);
  let next = new Float64Array(dims);
  for (let c = 0; c < count; c++) {
    onStep?.(rows + c, rows + count);
    // A start vector with a share of every direction, fixed so that builds are reproducible.
    for (let j = 0; j < dims; j++) v[j] = 1 + j / dims;
    normalize(v);
    let eigenvalue = 0;
    for (let it = 0; it < maxIterations; it++) {
      multiply(gram, v, next);
      eigenvalue = normalize(next);
      if (eigenvalue === 0) break;
      let change = 0;
      for (let j = 0; j < dims; j++) change += (next[j] - v[j]) ** 2;
      [v, next] = [next, v];
      if (change < tolerance) break;
    }
    let largest = 0;
    for (let j = 1; j < dims; j++) if (Math.abs(v[j]) > Math.abs(v[largest])) largest = j;
    const sign = v[largest] < 0 ? -1 : 1;
    for (let j = 0; j < dims; j++) components[c * dims + j] = sign * v[j];
    // Deflate: the next power iteration then converges to the next component.
    for (let j = 0; j < dims; j++) {
      for (let k = 0; k < dims; k++) gram[j * dims + k] -= eigenvalue * v[j] * v[k];
    }
  }
  onStep?.(rows + count, rows + count);
  return components;
}

function multiply(m: Float64Array, v: Float64Array, out: Float64Array): void {
  const dims = v.length;
  for (let j = 0; j < dims; j++) {
    let s = 0;
    const base = j * dims;
    for (let k = 0; k < dims; k++) s += m[base + k] * v[k];
    out[j] = s;
  }
}

/** Scales v to unit length in place; returns its former norm. */
function normalize(v: Float64Array): number {
  let ss = 0;
  for (let j = 0; j < v.length; j++) ss += v[j] * v[j];
  const norm = Math.sqrt(ss);
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j] /= norm;
  return norm;
}

/** Projects orthonormal components (row-major [count, dims]) out of every row, in place. */
export function removeComponents(table: Float32Array, dims: number, components: Float64Array): void {
  const count = components.length / dims;
  const dots = new Float64Array(count);
  for (let off = 0; off < table.length; off += dims) {
    for (let c = 0; c < count; c++) {
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += table[off + j] * components[c * dims + j];
      dots[c] = dot;
    }
    for (let j = 0; j < dims; j++) {
      let s = table[off + j];
      for (let c = 0; c < count; c++) s -= dots[c] * components[c * dims + j];
      table[off + j] = s;
    }
  }
}

export interface SifOptions {
  /** The SIF smoothing constant a. */
  a: number;
  /** How many principal components to remove. */
  components: number;
  /** Progress of the principal components (see principalComponents). */
  onStep?: OnStep;
}

/**
 * Folds SIF into the table in place: weights from ranks (1-based, one per row), then removal
 * of the top principal components of the weighted rows scaled by p(w). Returns both for the record.
 */
export function foldSif(
  table: Float32Array,
  dims: number,
  ranks: ArrayLike<number>,
  { a, components, onStep }: SifOptions,
): { weights: Float32Array; components: Float64Array } {
  if (table.length !== ranks.length * dims) throw new Error('one rank per table row is required');
  const p = zipfProbabilities(ranks);
  const weights = sifWeights(p, a);
  scaleRows(table, dims, weights);
  const removed = principalComponents(table, dims, components, p, { onStep });
  removeComponents(table, dims, removed);
  return { weights, components: removed };
}
