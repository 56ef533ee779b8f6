import { createRng } from '../../core/util/random.js';

/** Random ascending kNN rows with the point itself first at distance 0. */
export function randomNeighbors(n: number, k: number, seed: number) {
  const rng = createRng(seed);
  const indices = new Int32Array(n * k), distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const d = Array.from({ length: k - 1 }, () => 0.1 + rng.next()).sort((a, b) => a - b);
    indices[i * k] = i;
    const used = new Set([i]);
    for (let j = 1; j < k; j++) {
      let c = rng.int(n);
      while (used.has(c)) c = rng.int(n);
      used.add(c);
      indices[i * k + j] = c;
      distances[i * k + j] = d[j - 1];
    }
  }
  return { rows: n, k, indices, distances };
}
