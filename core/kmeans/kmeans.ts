/**
 * k-means (Lloyd) with scikit-learn's semantics: greedy k-means++ seeding (k-means|| at large k,
 * see kmeans-init.ts), convergence when the
 * total squared centre shift falls to tol × (mean per-feature variance of the data) or when an
 * iteration leaves every label unchanged, empty clusters re-seeded from the rows farthest from
 * their centres. Each iteration is one streamed pass of onnxruntime over the rows (nearest
 * centroid and per-cluster sums, see AssignAndSum); the division into centres is a small
 * O(k·d) JS loop.
 */
import { AssignAndSum, type ClusterSums } from '../kernels/assign-and-sum.js';
import type { KernelOptions } from '../kernels/session.js';
import { seedCentres, type KMeansInit } from './kmeans-init.js';
import { phaseReporter, type OnProgress } from '../util/progress-event.js';
import { createRng } from '../util/random.js';

export interface KMeansOptions {
  k: number;
  seed: number;
  /** Lloyd iterations at most (default 300). */
  maxIter?: number;
  /** Relative tolerance on the total squared centre shift (default 1e-4). */
  tol?: number;
  /** Starting centres (k × d) instead of seeding. */
  init?: Float32Array;
  /** How to seed when `init` is left out (default 'auto': greedy k-means++ at small k,
   * k-means|| from PARALLEL_INIT_FROM_K on; see kmeans-init.ts). */
  seeding?: KMeansInit;
  /** Called after each iteration with its number (from 1), the inertia of that iteration's
   * assignment (to the centres it started from) and the total squared centre shift. */
  onIteration?: (iteration: number, inertia: number, shift: number) => void;
  /** Phases: "seeding" (centres chosen, or k-means|| rounds), "iterations" (of maxIter, for an ETA). */
  onProgress?: OnProgress;
  kernel?: KernelOptions;
}

export interface KMeansResult {
  /** k × d, row-major. */
  centroids: Float32Array;
  /** Σ ‖x − c(x)‖² for the final centres and labels, by direct differences in double. */
  inertia: number;
  iterations: number;
  labels: Int32Array;
}

export async function fitKMeans(x: Float32Array, n: number, d: number, options: KMeansOptions): Promise<KMeansResult> {
  const { k, seed, maxIter = 300, tol = 1e-4, init, seeding = 'auto', onIteration, onProgress, kernel } = options;
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) throw new RangeError(`bad shape ${n} × ${d}`);
  if (x.length !== n * d) throw new RangeError(`x holds ${x.length} values, expected n × d = ${n * d}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (k > n) throw new RangeError(`k-means with k = ${k} clusters needs at least ${k} rows, got ${n}`);
  if (!Number.isInteger(maxIter) || maxIter < 1) throw new RangeError(`maxIter must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0)) throw new RangeError(`tol must be ≥ 0, got ${tol}`);
  if (init && init.length !== k * d) throw new RangeError(`init holds ${init.length} values, expected k × d = ${k * d}`);

  const stats = featureStats(x, n, d);
  const shiftTolerance = tol * stats.meanVariance;
  let centroids: Float32Array = init ? Float32Array.from(init) : await seedCentres(seeding, x, n, d, k, createRng(seed), kernel, phaseReporter(onProgress, 'seeding'));
  let next: Float32Array = new Float32Array(k * d);
  const labels = new Int32Array(n);
  const previous = new Int32Array(n).fill(-1);
  const acc: ClusterSums = { sums: new Float64Array(k * d), counts: new Float64Array(k) };
  let dist: Float32Array | undefined;

  const step = await AssignAndSum.create(k, d, kernel);
  try {
    let iterations = 0;
    let settled = false;
    while (iterations < maxIter) {
      await step.run(x, n, centroids, labels, acc);
      const inertia = assignmentInertia(acc, centroids, d, stats.sumOfSquares);
      let relocated = 0;
      if (acc.counts.includes(0)) {
        dist = distancesToOwnCentre(x, d, centroids, labels, dist);
        relocated = relocateEmptyClusters(x, d, labels, dist, acc);
      }
      const shift = averageCentroids(acc, centroids, next, d);
      [centroids, next] = [next, centroids];
      iterations++;
      onIteration?.(iterations, inertia, shift);
      onProgress?.({ phase: 'iterations', done: iterations, total: maxIter });
      // Unchanged labels mean the new centres reproduce this assignment exactly, unless a
      // relocation moved a centre without relabelling its row.
      if (relocated === 0 && sameLabels(labels, previous)) {
        settled = true;
        break;
      }
      if (shift <= shiftTolerance) break;
      previous.set(labels);
    }
    // The labels are those of the centres before the last update; bring them up to date.
    if (!settled) await step.run(x, n, centroids, labels, acc);
    return { centroids, inertia: exactInertia(x, d, centroids, labels), iterations, labels };
  } finally {
    await step.close();
  }
}

/**
 * The mean over features of the per-feature variance (scikit-learn's scale for tol) and
 * Σ‖x‖² over all rows, in one pass with double sums.
 */
export function featureStats(x: Float32Array, n: number, d: number): { meanVariance: number; sumOfSquares: number } {
  const columnSums = new Float64Array(d);
  let sumOfSquares = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const v = x[o + j];
      columnSums[j] += v;
      sumOfSquares += v * v;
    }
  }
  let meanNorm = 0;
  for (let j = 0; j < d; j++) meanNorm += (columnSums[j] / n) ** 2;
  return { meanVariance: Math.max(0, sumOfSquares - n * meanNorm) / (n * d), sumOfSquares };
}

/**
 * Σ_i ‖x_i − c_{l_i}‖² from the cluster sums S_j and counts n_j alone:
 * Σ‖x‖² − 2 Σ_j c_j·S_j + Σ_j n_j ‖c_j‖², O(k·d) instead of a pass over the rows. Good for
 * progress reports: the float32 block sums make its relative error ~1e-7 × Σ‖x‖² / inertia,
 * which grows for data far from the origin; the final inertia is computed exactly instead.
 */
function assignmentInertia(acc: ClusterSums, centroids: Float32Array, d: number, sumOfSquares: number): number {
  const { sums, counts } = acc;
  let total = sumOfSquares;
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] === 0) continue;
    const o = c * d;
    let cross = 0;
    let norm = 0;
    for (let j = 0; j < d; j++) {
      cross += centroids[o + j] * sums[o + j];
      norm += centroids[o + j] * centroids[o + j];
    }
    total += counts[c] * norm - 2 * cross;
  }
  return Math.max(0, total);
}

/** ‖x_i − c_{labels[i]}‖² per row, exact; only needed when a cluster came out empty. */
function distancesToOwnCentre(x: Float32Array, d: number, centroids: Float32Array, labels: Int32Array, out?: Float32Array): Float32Array {
  const dist = out ?? new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const o = i * d;
    const c = labels[i] * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = x[o + j] - centroids[c + j];
      s += v * v;
    }
    dist[i] = s;
  }
  return dist;
}

/**
 * Gives each empty cluster the row farthest from its own centre (farthest first, as
 * scikit-learn does), moving that row's contribution out of its cluster's sums. Rows whose
 * cluster would be left empty are skipped. Returns how many clusters were re-seeded.
 */
function relocateEmptyClusters(x: Float32Array, d: number, labels: Int32Array, dist: Float32Array, acc: ClusterSums): number {
  const { sums, counts } = acc;
  const k = counts.length;
  let relocated = 0;
  for (let empty = 0; empty < k; empty++) {
    if (counts[empty] > 0) continue;
    let far = -1;
    for (let i = 0; i < labels.length; i++) {
      if (dist[i] >= 0 && counts[labels[i]] > 1 && (far < 0 || dist[i] > dist[far])) far = i;
    }
    if (far < 0) break;
    const donor = labels[far];
    const o = far * d;
    for (let j = 0; j < d; j++) {
      sums[donor * d + j] -= x[o + j];
      sums[empty * d + j] = x[o + j];
    }
    counts[donor]--;
    counts[empty] = 1;
    dist[far] = -1; // taken
    relocated++;
  }
  return relocated;
}

/** next = sums / counts (an empty cluster keeps its centre); returns Σ ‖next − current‖². */
function averageCentroids(acc: ClusterSums, current: Float32Array, next: Float32Array, d: number): number {
  const { sums, counts } = acc;
  let shift = 0;
  for (let c = 0; c < counts.length; c++) {
    const o = c * d;
    if (counts[c] === 0) {
      next.set(current.subarray(o, o + d), o);
      continue;
    }
    const inv = 1 / counts[c];
    for (let j = 0; j < d; j++) {
      next[o + j] = sums[o + j] * inv;
      const delta = next[o + j] - current[o + j];
      shift += delta * delta;
    }
  }
  return shift;
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Σ ‖x_i − c_{labels[i]}‖², by direct differences in double. */
export function exactInertia(x: Float32Array, d: number, centroids: Float32Array, labels: Int32Array): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const o = i * d;
    const c = labels[i] * d;
    for (let j = 0; j < d; j++) {
      const v = x[o + j] - centroids[c + j];
      total += v * v;
    }
  }
  return total;
}
