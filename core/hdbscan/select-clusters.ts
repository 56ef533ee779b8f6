/**
 * Flat clustering from a condensed tree, as the `hdbscan` package's get_clusters does it. With
 * allow_single_cluster = False (the default) the root is never a cluster, so data with no split
 * is all noise; with True the root competes in 'eom' like any cluster (kept when its stability
 * is at least its children's), 'leaf' takes the root when the tree has no split, and epsilon may
 * climb to the root. Points that fall out of a selected root are labelled as assign-noise.ts
 * labelAt says.
 *
 * - 'eom' (excess of mass): bottom-up, a cluster is kept when its stability is at least the
 *   summed (already optimised) stability of its child clusters; a kept cluster excludes all of
 *   its descendants.
 * - 'leaf': the clusters with no child clusters.
 * - cluster_selection_epsilon > 0: any chosen cluster created below that distance (lambda above
 *   1 / epsilon) is replaced by its nearest ancestor created above it, never the root.
 * Selected clusters are labelled 0, 1, … in order of cluster number; points whose cluster has no
 * selected ancestor-or-self are noise (−1).
 */
import { clusterDeath, clusterStability, type CondensedTree } from './condensed-tree.js';

export type SelectionMethod = 'eom' | 'leaf';

export interface ClusterSelection {
  /** Number of flat clusters. */
  labelCount: number;
  /** Per condensed cluster: the flat label of its selected ancestor-or-self, or −1. */
  clusterLabel: Int32Array;
  /** Per condensed cluster: the death lambda of that selected cluster (0 where unlabelled). */
  clusterMaxLambda: Float64Array;
}

export function selectClusters(tree: CondensedTree, method: SelectionMethod, epsilon = 0, allowSingleCluster = false): ClusterSelection {
  if (!(epsilon >= 0)) throw new RangeError(`cluster selection epsilon must be ≥ 0, got ${epsilon}`);
  const { clusterCount: C, clusterParent } = tree;
  const chosen = new Uint8Array(C);
  if (method === 'eom') excessOfMass(tree, chosen, allowSingleCluster);
  else if (method === 'leaf') leaves(tree, chosen, allowSingleCluster);
  else throw new RangeError(`unknown cluster selection method ${String(method)}`);
  if (epsilon > 0 && C > 1) applyEpsilon(tree, chosen, epsilon, allowSingleCluster);

  const death = clusterDeath(tree);
  const clusterLabel = new Int32Array(C).fill(-1);
  const clusterMaxLambda = new Float64Array(C);
  let labelCount = 0;
  if (chosen[0]) {
    clusterLabel[0] = labelCount++;
    clusterMaxLambda[0] = death[0];
  }
  // Parents are numbered below their children, so one ascending pass propagates downwards.
  for (let c = 1; c < C; c++) {
    if (chosen[c]) {
      clusterLabel[c] = labelCount++;
      clusterMaxLambda[c] = death[c];
    } else {
      clusterLabel[c] = clusterLabel[clusterParent[c]];
      clusterMaxLambda[c] = clusterMaxLambda[clusterParent[c]];
    }
  }
  return { labelCount, clusterLabel, clusterMaxLambda };
}

function excessOfMass(tree: CondensedTree, chosen: Uint8Array, allowSingle: boolean): void {
  const { clusterCount: C, clusterParent } = tree;
  const stability = clusterStability(tree);
  const childSum = new Float64Array(C);
  const kept = new Uint8Array(C);
  for (let c = C - 1; c >= 1; c--) {
    // Strictly greater, as in the package: on a tie the parent is kept.
    if (childSum[c] > stability[c]) stability[c] = childSum[c];
    else kept[c] = 1;
    childSum[clusterParent[c]] += stability[c];
  }
  if (allowSingle && !(childSum[0] > stability[0])) kept[0] = 1;
  keepTopmost(tree, kept, chosen);
}

function leaves(tree: CondensedTree, chosen: Uint8Array, allowSingle: boolean): void {
  const { clusterCount: C, clusterParent } = tree;
  const hasChild = new Uint8Array(C);
  for (let c = 1; c < C; c++) hasChild[clusterParent[c]] = 1;
  for (let c = 1; c < C; c++) chosen[c] = hasChild[c] ? 0 : 1;
  if (allowSingle && C === 1) chosen[0] = 1;
}

/** chosen = kept clusters that have no kept ancestor. */
function keepTopmost(tree: CondensedTree, kept: Uint8Array, chosen: Uint8Array): void {
  const { clusterCount: C, clusterParent } = tree;
  const covered = new Uint8Array(C);
  chosen[0] = kept[0];
  for (let c = 1; c < C; c++) {
    const p = clusterParent[c];
    covered[c] = covered[p] || chosen[p] ? 1 : 0;
    chosen[c] = kept[c] && !covered[c] ? 1 : 0;
  }
}

/**
 * The package's epsilon_search: a chosen cluster created at a distance below epsilon climbs to
 * the first ancestor created above epsilon (stopping below the root), which then stands for
 * everything beneath it.
 */
function applyEpsilon(tree: CondensedTree, chosen: Uint8Array, epsilon: number, allowSingle: boolean): void {
  const { clusterCount: C, clusterParent, clusterBirth } = tree;
  const result = new Uint8Array(C);
  result[0] = chosen[0];
  const processed = new Uint8Array(C);
  const climb = (c: number): number => {
    for (;;) {
      const p = clusterParent[c];
      if (p === 0) return allowSingle ? 0 : c;
      if (1 / clusterBirth[p] > epsilon) return p;
      c = p;
    }
  };
  for (let c = 1; c < C; c++) {
    if (!chosen[c]) continue;
    if (1 / clusterBirth[c] >= epsilon) {
      result[c] = 1;
      continue;
    }
    if (processed[c]) continue;
    const top = climb(c);
    result[top] = 1;
    markDescendants(tree, top, processed);
  }
  chosen.set(result);
}

function markDescendants(tree: CondensedTree, top: number, mark: Uint8Array): void {
  const { clusterCount: C, clusterParent } = tree;
  const under = new Uint8Array(C);
  under[top] = 1;
  for (let c = top + 1; c < C; c++) {
    if (under[clusterParent[c]]) {
      under[c] = 1;
      mark[c] = 1;
    }
  }
}

/**
 * Flat labels and membership probabilities: a point's probability is its fall-out lambda relative
 * to the death lambda of its selected cluster, capped at 1 (and 1 when either is degenerate).
 */
export function labelPoints(tree: CondensedTree, selection: ClusterSelection, epsilon = 0): { labels: Int32Array; probabilities: Float64Array } {
  const { n, pointParent, pointLambda } = tree;
  const labels = new Int32Array(n);
  const probabilities = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = pointParent[i];
    labels[i] = selection.clusterLabel[c];
    // A selected root (allow_single_cluster) holds only the points that stay to its end, or beyond 1 / ε.
    if (c === 0 && labels[i] >= 0 && pointLambda[i] < (epsilon > 0 ? 1 / epsilon : selection.clusterMaxLambda[0])) labels[i] = -1;
    if (labels[i] < 0) continue;
    const maxLambda = selection.clusterMaxLambda[c];
    const lambda = pointLambda[i];
    probabilities[i] = maxLambda === 0 || !Number.isFinite(lambda) ? 1 : Math.min(lambda, maxLambda) / maxLambda;
  }
  return { labels, probabilities };
}
