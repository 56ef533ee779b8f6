/**
 * The top principal components of a sample (power iteration with deflation on the d × d
 * covariance). Used for the 2-D plot coordinates when UMAP is off: cheap, deterministic,
 * and good enough to see cluster layout.
 */
import { createRng } from '../util/random.js';

export interface Pca {
  mean: Float32Array;
  /** components × d, row-major, unit rows. */
  components: Float32Array;
  dims: number;
  count: number;
}

export function fitPca(x: Float32Array, n: number, d: number, count: number, seed = 0, iterations = 100): Pca {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a];

  const rng = createRng(seed);
  const components = new Float32Array(count * d);
  const v = new Float64Array(d);
  const w = new Float64Array(d);
  for (let c = 0; c < count; c++) {
    for (let j = 0; j < d; j++) v[j] = rng.gaussian();
    for (let it = 0; it < iterations; it++) {
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += cov[a * d + b] * v[b];
        w[a] = s;
      }
      let norm = 0;
      for (let a = 0; a < d; a++) norm += w[a] * w[a];
      norm = Math.sqrt(norm);
      if (norm === 0) break;
      for (let a = 0; a < d; a++) v[a] = w[a] / norm;
    }
    // Deflate: remove this component's variance so the next iteration finds the next one.
    let lambda = 0;
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += cov[a * d + b] * v[b];
      lambda += v[a] * s;
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b] -= lambda * v[a] * v[b];
    for (let j = 0; j < d; j++) components[c * d + j] = v[j];
  }
  return { mean: Float32Array.from(mean), components, dims: d, count };
}

/** Projects n rows onto the components; out is n × count. */
export function projectPca(p: Pca, x: Float32Array, n: number, out = new Float32Array(n * p.count)): Float32Array {
  const d = p.dims;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < p.count; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] - p.mean[j]) * p.components[c * d + j];
      out[i * p.count + c] = s;
    }
  }
  return out;
}
