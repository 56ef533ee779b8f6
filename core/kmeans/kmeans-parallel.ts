/**
 * k-means|| seeding (Bahmani, Moseley, Vattani, Kumar, Vassilvitskii 2012, "Scalable K-Means++",
 * Algorithm 2). Greedy k-means++ reads all n rows once per centre (k passes, memory-bound);
 * k-means|| reads them once per round:
 *
 *   1. C ← one row drawn uniformly; every row's cost is its squared distance to C.
 *   2. For each round: with φ the total cost, keep every row independently with probability
 *      min(1, ℓ · cost / φ) (about ℓ rows per round) and add them to C; each row's cost becomes
 *      its squared distance to the nearest of C. One NearestCentroid pass against the new rows
 *      alone: the minimum over the rest of C is already in the cost.
 *   3. Weight each candidate by the rows that have it as their nearest (kept with the cost in
 *      step 2, so no extra pass over the rows).
 *   4. Reduce the weighted candidates to k centres with greedy weighted k-means++ (step 8).
 *
 * The paper runs O(log φ) rounds and finds 5 enough with ℓ between k/2 and 2k; Spark MLlib runs
 * 2 at ℓ = 2k. Here 3 rounds at ℓ = k: the rounds cost about 3 Lloyd iterations' products and
 * leave ≈ 3k candidates for the reduction. Measured on 50k × 384 L2-normalised blobs from 1,000
 * centres, k = 1,000, one thread, final inertia after Lloyd / seeding time in Lloyd iterations
 * (busy 2-core host): greedy k-means++ 19,431 / 49; 2 rounds at ℓ = k 19,727 (+1.5%) / 2.8;
 * 3 rounds at ℓ = k 19,112 / 4.3; 2 rounds at ℓ = 2k 19,208 / 5.8. When the rounds leave
 * fewer than k candidates (few distinct rows) rounds continue until k are found or every row
 * coincides with a candidate.
 *
 * Every random draw is made in row order from one seeded generator, and the distances come from
 * MLAS products whose per-element sums do not depend on the thread count, so the centres are
 * the same for any number of threads.
 *
 * Input: x, n × d row-major float32. Output: k × d centres, rows of x.
 */
import { NearestCentroid } from '../kernels/nearest-centroid.js';
import type { KernelOptions } from '../kernels/session.js';
import type { OnStep } from '../util/progress-event.js';
import type { Rng } from '../util/random.js';
import { kmeansPlusPlus } from './kmeans-plusplus.js';

export interface KMeansParallelOptions {
  /** Sampling rounds after the first centre (default 2). */
  rounds?: number;
  /** ℓ / k, the expected candidates per round per centre wanted (default 2). */
  oversampling?: number;
}

export async function kmeansParallel(
  x: Float32Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  kernel: KernelOptions = {},
  onStep?: OnStep,
  { rounds = 3, oversampling = 1 }: KMeansParallelOptions = {},
): Promise<Float32Array> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  if (!(oversampling > 0)) throw new RangeError(`oversampling must be > 0, got ${oversampling}`);
  const ell = oversampling * k;
  const cost = new Float32Array(n).fill(Infinity);
  const owner = new Int32Array(n);
  const taken = new Uint8Array(n);
  const chosen: number[] = [];
  const labels = new Int32Array(n);
  const dist = new Float32Array(n);

  /** Brings cost and owner up to date with the candidates chosen from index `from` on. */
  const absorb = async (from: number): Promise<void> => {
    const m = chosen.length - from;
    const rows = new Float32Array(m * d);
    for (let t = 0; t < m; t++) rows.set(x.subarray(chosen[from + t] * d, (chosen[from + t] + 1) * d), t * d);
    const nearest = await NearestCentroid.create(rows, m, d, kernel);
    try {
      await nearest.assign(x, n, labels, dist);
    } finally {
      await nearest.close();
    }
    for (let i = 0; i < n; i++) {
      if (dist[i] < cost[i]) {
        cost[i] = dist[i];
        owner[i] = from + labels[i];
      }
    }
  };

  const first = rng.int(n);
  chosen.push(first);
  taken[first] = 1;
  await absorb(0);
  for (let round = 0; round < rounds || chosen.length < k; round++) {
    onStep?.(round, rounds);
    let phi = 0;
    for (let i = 0; i < n; i++) phi += cost[i];
    if (!(phi > 0)) break;
    const from = chosen.length;
    for (let i = 0; i < n; i++) {
      // One draw per row whatever its cost, so the stream of draws is the same for every row.
      if (rng.next() * phi < ell * cost[i] && !taken[i]) {
        chosen.push(i);
        taken[i] = 1;
      }
    }
    if (chosen.length > from) await absorb(from);
  }

  const m = chosen.length;
  const candidates = new Float32Array(m * d);
  for (let t = 0; t < m; t++) candidates.set(x.subarray(chosen[t] * d, (chosen[t] + 1) * d), t * d);
  if (m <= k) {
    // Every row coincides with one of the m candidates: all of them, repeated to fill k.
    const centres = new Float32Array(k * d);
    for (let c = 0; c < k; c++) centres.set(candidates.subarray((c % m) * d, (c % m + 1) * d), c * d);
    return centres;
  }
  const weights = new Float64Array(m);
  for (let i = 0; i < n; i++) weights[owner[i]]++;
  return kmeansPlusPlus(candidates, m, d, k, rng, kernel, onStep, weights);
}
