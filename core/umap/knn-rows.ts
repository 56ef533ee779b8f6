/**
 * How rows enter kNN products, and what int8 products can get wrong. Cosine uses unit rows
 * (the product is the similarity); euclidean uses rows centred on the reference mean, u,
 * with ½‖u‖² subtracted in the graph, so that u_a·u_b − ½‖u_a‖² − ½‖u_b‖² = −½‖a − b‖²
 * ranks by distance. Every score is on that scale: cosine similarity, or −½ distance².
 */
import type { UmapMetric } from './knn.js';

/** Rows as they enter the products, with their norms. */
export class Prepared {
  readonly rows: Float32Array;
  /** ½‖u‖² per row (euclidean only). */
  readonly half: Float32Array | null;
  readonly norms: Float64Array;
  maxNorm = 0;
  maxAbs = 0;

  constructor(metric: UmapMetric, x: Float32Array, dim: number, mean: Float64Array | null) {
    const n = x.length / dim;
    this.rows = new Float32Array(n * dim);
    this.half = metric === 'euclidean' ? new Float32Array(n) : null;
    this.norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      let ss = 0;
      for (let j = 0; j < dim; j++) {
        const v = mean ? x[o + j] - mean[j] : x[o + j];
        this.rows[o + j] = v;
        ss += v * v;
      }
      if (metric === 'cosine') {
        const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
        for (let j = 0; j < dim; j++) this.rows[o + j] *= inv;
        ss = ss > 0 ? 1 : 0;
      } else {
        this.half![i] = ss / 2;
      }
      this.norms[i] = Math.sqrt(ss);
      this.maxNorm = Math.max(this.maxNorm, this.norms[i]);
      for (let j = 0; j < dim; j++) this.maxAbs = Math.max(this.maxAbs, Math.abs(this.rows[o + j]));
    }
  }
}

/**
 * ‖x − x̂‖ per row for x̂ = (clamp(round(x/step) + zero, lo, hi) − zero)·step, onnxruntime's
 * (Dynamic)QuantizeLinear. Components within 1e-4 of a rounding tie count half a step, so
 * that float32 arithmetic inside onnxruntime cannot round them differently from here.
 */
export function roundingErrors(rows: Float32Array, from: number, to: number, dim: number, step: number, zero: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(to - from);
  for (let i = from; i < to; i++) {
    let ss = 0;
    for (let t = 0, o = i * dim; t < dim; t++) {
      const x = rows[o + t], scaled = x / step, floor = Math.floor(scaled);
      let e: number;
      if (Math.abs(scaled - floor - 0.5) < 1e-4) e = step / 2;
      else e = Math.abs(x - (Math.min(hi, Math.max(lo, Math.round(scaled) + zero)) - zero) * step);
      ss += e * e;
    }
    out[i - from] = Math.sqrt(ss);
  }
  return out;
}

/**
 * Largest |â·b̂ − a·b| for a row a with norm `norm` and rounding error `err` against any row
 * b with norm ≤ maxNorm and error ≤ maxErr: ‖a − â‖·‖b‖ + ‖â‖·‖b − b̂‖. The slack covers
 * float32 rounding of the prepared rows and of the scores.
 */
export function errorBound(norm: number, err: number, maxNorm: number, maxErr: number): number {
  return err * maxNorm + (norm + err) * maxErr + 1e-6 * (1 + maxNorm * maxNorm);
}

export function columnMeans(x: Float32Array, dim: number): Float64Array {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0, o = i * dim; j < dim; j++) mean[j] += x[o + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  return mean;
}

/** Squared norms of the original rows, for cosine distances (null for euclidean). */
export function squaredNorms(metric: UmapMetric, x: Float32Array, dim: number): Float64Array | null {
  if (metric !== 'cosine') return null;
  const n = x.length / dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = 0, o = i * dim; j < dim; j++) ss += x[o + j] * x[o + j];
    out[i] = ss;
  }
  return out;
}

/** The largest entry of non-negative values (0 when empty). */
export function maxOf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]);
  return m;
}
