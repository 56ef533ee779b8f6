import { createRng } from '../../core/util/random.js';

/** Gaussian blobs plus uniform noise, the shape the searches are tuned for. */
export function blobs(n: number, d: number, seed: number, spread = 1): Float32Array {
  const rng = createRng(seed);
  const centres = Array.from({ length: 4 }, () => Array.from({ length: d }, () => rng.next() * 40 - 20));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const noise = rng.next() < 0.05;
    const c = centres[rng.int(centres.length)];
    for (let j = 0; j < d; j++) x[i * d + j] = noise ? rng.next() * 60 - 30 : c[j] + spread * rng.gaussian();
  }
  return x;
}
