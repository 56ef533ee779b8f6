/**
 * Diverse picks that cover a cluster's mass (`--within diverse`): k-means with k = the quota over
 * the cluster's rows (Lloyd 1982 from greedy k-means++ seeds, Arthur & Vassilvitskii 2007, via
 * core/kmeans/kmeans.ts), then from each centre's cell the member nearest that centre, the cells
 * of the most rows first. k-means minimises Σ‖x − nearest centre‖², the squared distance from a
 * row to its nearest pick with the centres standing in for the picks, so the picks sit where the
 * rows are dense and each stands for a cell of similar rows. Farthest-point traversal
 * (farthest-point.ts, `--within farthest`) minimises the largest such distance instead (k-centre,
 * Gonzalez 1985) and so takes the cluster's outliers first: on the SOTU demo (1,000 picks, sqrt
 * quotas) it left the 90th-percentile row at 1.0187 from its nearest pick against 1.0011 for
 * random picks, and these picks at 0.9774 (docs/curate.md, "Coverage").
 *
 * Input: x, n rows of d values, row-major. Memory: the k-means labels and centres, O(n + k·d);
 * time: the Lloyd iterations (at most MAX_ITER passes of n × k × d) and one pass to take the rows.
 */
import { fitKMeans } from '../kmeans/kmeans.js';
import type { KernelOptions } from '../kernels/session.js';

/**
 * Lloyd iterations at most per cluster. On SOTU's 80 clusters (1,000 picks, sqrt quotas; seeds
 * 47, 52, 62, 142) the p90 nearest-pick distance was 0.9778 at 5 iterations, 0.9764 at 10, 0.9772
 * at 20 and 0.9762 at 100, with random's sd 0.0007–0.0019 between seeds: more iterations buy
 * nothing measurable, and each costs a pass over the cluster.
 */
export const MAX_ITER = 10;

/**
 * Row indices in pick order, min(count, n) of them: the member nearest each k-means centre, the
 * centres of the most members first (ties: the lower centre). With count ≥ n every row is a pick,
 * in row order. A centre with no member (duplicate rows leave k-means fewer distinct points than
 * centres) takes the nearest row not yet taken. `seed` seeds k-means++, so the same seed gives the
 * same picks.
 */
export async function kmeansPickOrder(x: Float32Array, n: number, d: number, count: number, seed: number, kernel?: KernelOptions): Promise<Int32Array> {
  if (x.length < n * d) throw new RangeError(`x holds ${x.length} values, fewer than ${n} rows × ${d}`);
  const k = Math.max(0, Math.min(count, n));
  if (k === n) return Int32Array.from({ length: n }, (_, i) => i);
  const order = new Int32Array(k);
  if (k === 0) return order;
  const rows = x.subarray(0, n * d);
  // One pick is the row nearest the mean, which is where k-means with one centre lands after its
  // first Lloyd step; skipping fitKMeans matters when quotas are 1 (a 10,000-row sample of a run
  // at k = 10,000): each call opens onnxruntime sessions, ~5 ms, so 50 s for the sample.
  if (k === 1) {
    order[0] = nearestFree(rows, n, d, meanOf(rows, n, d), 0, new Uint8Array(n));
    return order;
  }
  // Greedy k-means++, not k random rows: random starts measured the same on SOTU (p90 0.9772 against
  // 0.9774, seed 42) and 28% less time per cluster (1,000 rows × 100, 10 picks: 19.8 against
  // 27.6 ms), but on separated blobs they picked an outlier and left a blob without a pick
  // (test/core/sample/kmeans-picks.test.ts, the first two tests).
  const { centroids, labels } = await fitKMeans(rows, n, d, { k, seed, maxIter: MAX_ITER, seeding: 'k-means++', kernel });

  // Each cell's member nearest its centre, in one pass over the rows.
  const best = new Int32Array(k).fill(-1);
  const bestDist = new Float64Array(k).fill(Infinity);
  const members = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    members[c]++;
    const dist = squaredDistance(rows, i * d, centroids, c * d, d);
    if (dist < bestDist[c]) {
      bestDist[c] = dist;
      best[c] = i;
    }
  }
  const cells = Int32Array.from({ length: k }, (_, c) => c).sort((a, b) => members[b] - members[a] || a - b);
  const taken = new Uint8Array(n);
  for (const c of cells) if (best[c] >= 0) taken[best[c]] = 1;
  cells.forEach((c, t) => {
    if (best[c] < 0) best[c] = nearestFree(rows, n, d, centroids, c, taken);
    order[t] = best[c];
  });
  return order;
}

/** The row nearest centre c among those not taken (marked taken); the lowest row among ties. */
function nearestFree(x: Float32Array, n: number, d: number, centroids: Float32Array, c: number, taken: Uint8Array): number {
  let at = -1;
  let nearest = Infinity;
  for (let i = 0; i < n; i++) {
    if (taken[i]) continue;
    const dist = squaredDistance(x, i * d, centroids, c * d, d);
    if (dist < nearest) {
      nearest = dist;
      at = i;
    }
  }
  taken[at] = 1;
  return at;
}

function squaredDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const e = a[ao + j] - b[bo + j];
    s += e * e;
  }
  return s;
}

/** The mean of n rows of d values, in double, as float32 (the centroids' type). */
function meanOf(x: Float32Array, n: number, d: number): Float32Array {
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sum[j] += x[i * d + j];
  return Float32Array.from(sum, (v) => v / n);
}
