/**
 * Per-point kernel widths of UMAP's local fuzzy sets: rho is the distance to the nearest
 * (non-identical) neighbour, so every point is connected to at least that one with
 * strength 1, and sigma is found by bisection so that Σ_j exp(−max(0, d_j − rho)/sigma)
 * over the neighbours after the first equals log2(k) — the paper's fixed "effective
 * neighbourhood size" that makes the graph adapt to local density.
 */

/** The bisection stops once the membership sum is this close to log2(k). */
const TOLERANCE = 1e-5;
/** Lower bound on sigma relative to the mean neighbour distance, so isolated points don't get a zero-width kernel. */
const MIN_SCALE = 1e-3;
const ITERATIONS = 64;

export interface SmoothKnn {
  sigmas: Float32Array;
  rhos: Float32Array;
}

/**
 * `distances` is rows × k, each row ascending. `localConnectivity` is how many neighbours
 * are assumed connected with strength 1 (fractional values interpolate).
 */
export function smoothKnnDistances(distances: Float32Array, k: number, localConnectivity = 1): SmoothKnn {
  const rows = distances.length / k;
  const target = Math.log2(k);
  const sigmas = new Float32Array(rows);
  const rhos = new Float32Array(rows);

  let total = 0;
  for (let i = 0; i < distances.length; i++) total += distances[i];
  const meanAll = total / distances.length;

  for (let i = 0; i < rows; i++) {
    const base = i * k;
    rhos[i] = rhoOf(distances, base, k, localConnectivity);
    const rho = rhos[i];

    let lo = 0, hi = Infinity, mid = 1;
    for (let it = 0; it < ITERATIONS; it++) {
      let psum = 0;
      // The first column is skipped as in umap-learn: during fitting it is the point itself.
      for (let j = 1; j < k; j++) {
        const d = distances[base + j] - rho;
        psum += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(psum - target) < TOLERANCE) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }

    let floor: number;
    if (rho > 0) {
      let rowSum = 0;
      for (let j = 0; j < k; j++) rowSum += distances[base + j];
      floor = MIN_SCALE * (rowSum / k);
    } else {
      floor = MIN_SCALE * meanAll;
    }
    sigmas[i] = Math.max(mid, floor);
  }
  return { sigmas, rhos };
}

/**
 * The `localConnectivity`-th smallest positive distance of an ascending row, interpolated
 * for fractional values; the largest one when the row has fewer positive distances.
 */
function rhoOf(distances: Float32Array, base: number, k: number, localConnectivity: number): number {
  let zeros = 0;
  while (zeros < k && !(distances[base + zeros] > 0)) zeros++;
  const positives = k - zeros;
  if (positives === 0) return 0;
  const first = base + zeros;
  if (positives < localConnectivity) return distances[base + k - 1];
  const index = Math.floor(localConnectivity);
  const fraction = localConnectivity - index;
  if (index === 0) return fraction * distances[first];
  let rho = distances[first + index - 1];
  if (fraction > TOLERANCE) rho += fraction * (distances[first + index] - rho);
  return rho;
}
