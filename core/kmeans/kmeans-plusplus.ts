/**
 * k-means++ seeding in scikit-learn's greedy form: the first centre is a uniformly chosen row;
 * each further centre is the best of 2 + ⌊ln k⌋ candidates drawn with probability proportional
 * to the squared distance to the closest centre so far, "best" meaning the candidate that
 * leaves the smallest potential (Σ of those distances). The n × candidates distances of each
 * step are one onnxruntime product (CandidateDistances).
 *
 * With `weights` (one per row) it is the weighted k-means++ that k-means|| reduces its candidates
 * with (Bahmani et al. 2012, step 8): row i counts as weights[i] coincident rows, so the first
 * centre is drawn in proportion to weight and every later draw and potential in proportion to
 * weight × squared distance.
 *
 * Input: x, n × d row-major float32. Output: k × d centres, rows of x.
 */
import { CandidateDistances } from '../kernels/candidate-distances.js';
import { rowSquaredNorms, type KernelOptions } from '../kernels/session.js';
import type { OnStep } from '../util/progress-event.js';
import type { Rng } from '../util/random.js';

export async function kmeansPlusPlus(
  x: Float32Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  kernel: KernelOptions = {},
  onStep?: OnStep,
  weights?: Float64Array,
): Promise<Float32Array> {
  const trials = 2 + Math.floor(Math.log(k));
  const centroids = new Float32Array(k * d);
  const norms = rowSquaredNorms(x, n, d);
  const closest = new Float32Array(n).fill(Infinity);
  const capped = new Float32Array(n * trials);
  const candidates = new Float32Array(trials * d);
  const cumulative = new Float64Array(n);
  const distances = await CandidateDistances.create(d, kernel);
  try {
    const first = weights ? drawWeighted(weights, rng) : rng.int(n);
    centroids.set(x.subarray(first * d, (first + 1) * d), 0);
    let potential = (await distances.run(x, n, norms, closest, centroids, 1, capped, weights))[0];
    closest.set(capped.subarray(0, n));

    for (let c = 1; c < k; c++) {
      onStep?.(c, k);
      let running = 0;
      if (weights) for (let i = 0; i < n; i++) cumulative[i] = running += weights[i] * closest[i];
      else for (let i = 0; i < n; i++) cumulative[i] = running += closest[i];
      for (let t = 0; t < trials; t++) {
        const row = Math.min(searchSorted(cumulative, rng.next() * potential), n - 1);
        candidates.set(x.subarray(row * d, (row + 1) * d), t * d);
      }
      const potentials = await distances.run(x, n, norms, closest, candidates, trials, capped, weights);
      let best = 0;
      for (let t = 1; t < trials; t++) if (potentials[t] < potentials[best]) best = t;
      potential = potentials[best];
      for (let i = 0; i < n; i++) closest[i] = capped[i * trials + best];
      centroids.set(candidates.subarray(best * d, (best + 1) * d), c * d);
    }
    onStep?.(k, k);
  } finally {
    await distances.close();
  }
  return centroids;
}

/** A row drawn with probability weights[i] / Σ weights. */
function drawWeighted(weights: Float64Array, rng: Rng): number {
  let total = 0;
  for (const w of weights) total += w;
  let target = rng.next() * total;
  for (let i = 0; i < weights.length; i++) if ((target -= weights[i]) < 0) return i;
  return weights.length - 1;
}

/** First index i with sorted[i] ≥ value (numpy's searchsorted, side 'left'); length when none. */
function searchSorted(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
