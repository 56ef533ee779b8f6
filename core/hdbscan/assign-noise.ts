/**
 * The most likely cluster of a row HDBSCAN calls noise, from the data approximate prediction
 * already holds (hdbscan-model.ts), for `--hdbscan-assign-noise`:
 *
 * 1. among the 2 · min_samples nearest fitted rows that approximate prediction searched, the
 *    one nearest in mutual reachability whose own fit label is a cluster gives its label (the
 *    row would join that cluster first were it not noise: the single-linkage view of HDBSCAN*,
 *    Campello et al. 2013);
 * 2. when none of them is clustered (or the row was too far to search), the cluster whose
 *    fitted members' mean is nearest in Euclidean distance.
 *
 * This is a hard "nearest cluster" rule, not the `hdbscan` package's soft membership vectors
 * (all_points_membership_vectors), whose argmax users take for the same purpose; rule 1 picks
 * the cluster the tree attaches the row to through its nearest clustered neighbour.
 */
import type { HdbscanModel } from './hdbscan-model.js';

/** The fit label of every fitted row (n): its condensed cluster's selected label, or −1. */
export function fittedRowLabels(model: HdbscanModel): Int32Array {
  const { n } = model.meta;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = labelAt(model, model.pointParent[i], model.pointLambda[i]);
  return out;
}

/**
 * The label of a row that falls out of condensed cluster `cluster` at `lambda`. Points that
 * fall out of the root are in the single cluster (allow_single_cluster) only when they stay to
 * its end, or beyond 1 / cluster_selection_epsilon — the `hdbscan` package's do_labelling.
 */
export function labelAt(model: HdbscanModel, cluster: number, lambda: number): number {
  const label = model.clusterLabel[cluster];
  if (cluster !== 0 || label < 0) return label;
  const eps = model.meta.clusterSelectionEpsilon;
  const bar = eps > 0 ? 1 / eps : model.clusterMaxLambda[0];
  return lambda >= bar ? label : -1;
}

/** Mean of the fitted rows of each cluster (labelCount × d). */
export function clusterMeans(model: HdbscanModel, labels: Int32Array): Float64Array {
  const { n, d, labelCount } = model.meta;
  const sums = new Float64Array(labelCount * d);
  const counts = new Float64Array(labelCount);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (c < 0) continue;
    counts[c]++;
    for (let j = 0; j < d; j++) sums[c * d + j] += model.points[i * d + j];
  }
  for (let c = 0; c < labelCount; c++) for (let j = 0; j < d; j++) sums[c * d + j] /= counts[c] || 1;
  return sums;
}

/** Rule 2: the cluster whose mean is nearest `row` (d values); ties to the lower label. */
export function nearestMean(means: Float64Array, labelCount: number, row: ArrayLike<number>, d: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let c = 0; c < labelCount; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const t = row[j] - means[c * d + j];
      s += t * t;
    }
    if (s < bestDistance) {
      bestDistance = s;
      best = c;
    }
  }
  return best;
}
