import type { UmapMetric } from '../../core/umap/knn.js';

/** Float64 cosine or Euclidean distance between row i of `a` and row j of `b`, written from the definitions. */
export function bruteDistance(metric: UmapMetric, a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let dot = 0, aa = 0, bb = 0, ss = 0;
  for (let t = 0; t < dim; t++) {
    const x = a[i * dim + t], y = b[j * dim + t];
    dot += x * y;
    aa += x * x;
    bb += y * y;
    ss += (x - y) * (x - y);
  }
  return metric === 'cosine' ? 1 - dot / Math.sqrt(aa * bb) : Math.sqrt(ss);
}
