/** Random matrices and plain-JS distances that the kernel tests compare against. */
import { createRng } from '../../core/util/random.js';

export function randomMatrix(rows: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const m = new Float32Array(rows * d);
  for (let i = 0; i < m.length; i++) m[i] = rng.gaussian();
  return m;
}

export function squaredDistance(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const v = a[ai * d + j] - b[bi * d + j];
    s += v * v;
  }
  return s;
}

/** Plain-JS nearest centroid: label, its distance and the runner-up distance (to spot near-ties). */
export function bruteForceNearestCentroid(x: Float32Array, n: number, c: Float32Array, k: number, d: number) {
  const labels = new Int32Array(n);
  const best = new Float64Array(n);
  const second = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let b = Infinity;
    let s = Infinity;
    for (let j = 0; j < k; j++) {
      const dist = squaredDistance(x, i, c, j, d);
      if (dist < b) {
        s = b;
        b = dist;
        labels[i] = j;
      } else if (dist < s) s = dist;
    }
    best[i] = b;
    second[i] = s;
  }
  return { labels, best, second };
}
