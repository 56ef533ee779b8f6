import { createRng } from '../../core/util/random.js';

/** `clusters` well-separated Gaussian blobs in `dim` dimensions; labels in order. */
export function blobs(clusters: number, per: number, dim: number, seed: number): { data: Float32Array; labels: Int32Array } {
  const rng = createRng(seed);
  const centers = Array.from({ length: clusters }, () => Float64Array.from({ length: dim }, () => rng.gaussian() * 10));
  const data = new Float32Array(clusters * per * dim);
  const labels = new Int32Array(clusters * per);
  for (let c = 0; c < clusters; c++) {
    for (let p = 0; p < per; p++) {
      const i = c * per + p;
      labels[i] = c;
      for (let t = 0; t < dim; t++) data[i * dim + t] = centers[c][t] + rng.gaussian();
    }
  }
  return { data, labels };
}
