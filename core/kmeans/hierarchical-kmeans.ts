/**
 * The levels of hierarchical k-means (Vo et al. 2024, arXiv 2405.15613, §4): built bottom-up,
 * each level clusters the centroids of the level below — here level 0 is the run's clusters,
 * given by their centroids — with the paper's resampling refinement: after k-means on a
 * level's points, repeatedly take the r points nearest each centroid and refit k-means on
 * their union from the current centroids, which pulls centroids away from dense regions
 * toward an even cover of the points; finally every point joins its nearest centroid.
 *
 * r is half the mean cluster size of the level (Vo et al. take r below the mean size so
 * that each centroid's neighbourhood is smaller than a cluster; the half is this project's
 * choice). Input: n points (row-major Float32Array, d wide); the levels are small (at most
 * the run's k points), so nearest centroids are computed directly in JS.
 */
import { fitKMeans } from './kmeans.js';
import { takeRows } from '../util/rows.js';

/**
 * One onnxruntime thread: a level holds at most the run's k points, and a multi-threaded sum
 * gave a different tree in another process (eval:balanced, same seed), which the seed must not.
 */
const ONE_THREAD = { threads: 1 };

export interface HierarchyOptions {
  /** k of each level above the points, bottom-up; each smaller than the level below. */
  ks: readonly number[];
  seed: number;
  /** Resampling refinement rounds per level. */
  resampling: number;
  /** Called when a level is built (level 1 is the first above the points), so a caller can time or report each level. */
  onLevel?: (level: number, k: number) => void;
}

/** Nearest centroid of each point (squared Euclidean; ties to the lower index). */
export function nearestCentroids(x: Float32Array, n: number, d: number, centroids: Float32Array, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = x[i * d + j] - centroids[c * d + j];
        s += t * t;
      }
      if (s < best) {
        best = s;
        out[i] = c;
      }
    }
  }
  return out;
}

/** Indices of the r points nearest each centroid, as one sorted set. */
function nearestPoints(x: Float32Array, n: number, d: number, centroids: Float32Array, k: number, r: number): number[] {
  const chosen = new Set<number>();
  const dist = new Float64Array(n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const t = x[i * d + j] - centroids[c * d + j];
        s += t * t;
      }
      dist[i] = s;
    }
    order.sort((a, b) => dist[a] - dist[b] || a - b);
    for (let t = 0; t < r; t++) chosen.add(order[t]);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * For each level above the points, the parent (0 … k − 1) of every node of the level below:
 * `parents[0]` maps the n points, `parents[1]` the ks[0] level-1 nodes, and so on.
 */
export async function buildHierarchy(points: Float32Array, n: number, d: number, options: HierarchyOptions): Promise<Int32Array[]> {
  const parents: Int32Array[] = [];
  let x = points;
  let m = n;
  let below = n;
  options.ks.forEach((k, level) => {
    if (!Number.isInteger(k) || k < 1 || k >= below) throw new RangeError(`hierarchy level ${level + 1}: k = ${k} must be a whole number below the ${below} nodes of the level beneath`);
    below = k;
  });
  for (let level = 0; level < options.ks.length; level++) {
    const k = options.ks[level];
    const seed = options.seed + level;
    let { centroids } = await fitKMeans(x, m, d, { k, seed, kernel: ONE_THREAD });
    const r = Math.max(1, Math.floor(m / k / 2));
    for (let round = 0; round < options.resampling; round++) {
      const subset = nearestPoints(x, m, d, centroids, k, r);
      // Overlapping neighbourhoods can leave fewer points than centroids: nothing to refit.
      if (subset.length < k) break;
      const sx = takeRows(x, d, subset);
      centroids = (await fitKMeans(sx, subset.length, d, { k, seed, init: centroids, kernel: ONE_THREAD })).centroids;
    }
    parents.push(nearestCentroids(x, m, d, centroids, k));
    options.onLevel?.(level + 1, k);
    x = centroids;
    m = k;
  }
  return parents;
}
