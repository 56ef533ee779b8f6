/**
 * The starting centres of k-means, by name: greedy k-means++ (scikit-learn's), k-means||
 * (Bahmani et al. 2012), or k distinct rows drawn uniformly (faiss's default), and the rule
 * that `auto` picks by.
 *
 * Input: x, n × d row-major float32. Output: k × d centres, rows of x.
 */
import type { KernelOptions } from '../kernels/session.js';
import type { OnStep } from '../util/progress-event.js';
import type { Rng } from '../util/random.js';
import { kmeansParallel } from './kmeans-parallel.js';
import { kmeansPlusPlus } from './kmeans-plusplus.js';

export const KMEANS_INITS = ['auto', 'k-means++', 'k-means||', 'random'] as const;
export type KMeansInit = (typeof KMEANS_INITS)[number];

/**
 * k from which `auto` seeds with k-means|| instead of greedy k-means++. Greedy k-means++ costs
 * k memory-bound passes over the rows, k-means|| about three Lloyd iterations' products plus a
 * small reduction, so the choice depends on k and hardly on n. Seeding time in Lloyd
 * iterations (50k × 384 blobs from 300 centres, one thread, busy 2-core host), k-means++ /
 * k-means||: k = 50 6.5 / 3.6, k = 100 22 / 2.6, k = 200 17 / 2.0, k = 400 20 / 2.6. k-means||
 * is faster from k = 50 on, but below 500 greedy k-means++ seeds in seconds and keeps the
 * centres (and labels) of every small-k fit unchanged; from 500 on its cost grows as n·k·log k
 * (45 Lloyd iterations at k = 2,000 on 100k rows) and k-means|| takes over.
 */
export const PARALLEL_INIT_FROM_K = 500;

/** The seeding `auto` stands for at k clusters. */
export function resolveInit(init: KMeansInit, k: number): Exclude<KMeansInit, 'auto'> {
  if (init !== 'auto') return init;
  return k >= PARALLEL_INIT_FROM_K ? 'k-means||' : 'k-means++';
}

export function seedCentres(
  init: KMeansInit,
  x: Float32Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  kernel?: KernelOptions,
  onStep?: OnStep,
): Promise<Float32Array> {
  switch (resolveInit(init, k)) {
    case 'k-means++':
      return kmeansPlusPlus(x, n, d, k, rng, kernel, onStep);
    case 'k-means||':
      return kmeansParallel(x, n, d, k, rng, kernel, onStep);
    case 'random':
      return Promise.resolve(randomRows(x, n, d, k, rng));
  }
}

/** k distinct rows drawn uniformly (partial Fisher–Yates over the row indices), in draw order. */
function randomRows(x: Float32Array, n: number, d: number, k: number, rng: Rng): Float32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const centres = new Float32Array(k * d);
  for (let c = 0; c < k; c++) {
    const j = c + rng.int(n - c);
    [order[c], order[j]] = [order[j], order[c]];
    centres.set(x.subarray(order[c] * d, (order[c] + 1) * d), c * d);
  }
  return centres;
}
