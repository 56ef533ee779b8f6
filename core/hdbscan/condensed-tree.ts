/**
 * The condensed cluster tree of the `hdbscan` package (runt pruning with min_cluster_size).
 * Walking the single-linkage tree from the root in breadth-first order, a split into two sides of
 * at least min_cluster_size points creates two child clusters; otherwise the small side's points
 * "fall out" of the current cluster at that level, which keeps its identity. Levels are
 * lambda = 1 / distance.
 *
 * Clusters are numbered 0 (the root) upwards in creation order, so a parent's number is always
 * below its children's (the package numbers them n + c for the same c).
 */
import type { SingleLinkage } from './single-linkage.js';

export interface CondensedTree {
  n: number;
  clusterCount: number;
  /** Per point: the cluster it falls out of, and the lambda at which it does. */
  pointParent: Int32Array;
  pointLambda: Float64Array;
  /** Per cluster: its parent (−1 for the root), the lambda it was created at (0 for the root), its size then. */
  clusterParent: Int32Array;
  clusterBirth: Float64Array;
  clusterSize: Int32Array;
}

export function condenseTree(linkage: SingleLinkage, minClusterSize: number): CondensedTree {
  const { n, left, right, distance, size } = linkage;
  if (!Number.isInteger(minClusterSize) || minClusterSize < 2) {
    throw new RangeError(`minClusterSize must be an integer ≥ 2, got ${minClusterSize}`);
  }
  const pointParent = new Int32Array(n);
  const pointLambda = new Float64Array(n);
  // At most one cluster per pair of split rows plus the root.
  const clusterParent = new Int32Array(n).fill(-1);
  const clusterBirth = new Float64Array(n);
  const clusterSize = new Int32Array(n);
  clusterSize[0] = n;
  let clusterCount = 1;
  if (n < 2) return { n, clusterCount, pointParent, pointLambda, clusterParent, clusterBirth, clusterSize };

  const countOf = (node: number): number => (node < n ? 1 : size[node - n]);
  const stack: number[] = [];
  const fallOut = (node: number, cluster: number, lambda: number): void => {
    stack.push(node);
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x < n) {
        pointParent[x] = cluster;
        pointLambda[x] = lambda;
      } else {
        stack.push(right[x - n], left[x - n]);
      }
    }
  };

  // Breadth-first over the linkage nodes that still carry a cluster; `clusterOf` is the cluster
  // a queued node belongs to.
  const queue = new Int32Array(n);
  const clusterOf = new Int32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail] = 2 * n - 2;
  clusterOf[tail++] = 0;
  while (head < tail) {
    const node = queue[head];
    const cluster = clusterOf[head++];
    // Only sides of at least minClusterSize ≥ 2 points are queued, so `node` is a merge row.
    const row = node - n;
    const lambda = distance[row] > 0 ? 1 / distance[row] : Infinity;
    const a = left[row];
    const b = right[row];
    const big = (x: number): boolean => countOf(x) >= minClusterSize;
    if (big(a) && big(b)) {
      for (const child of [a, b]) {
        const c = clusterCount++;
        clusterParent[c] = cluster;
        clusterBirth[c] = lambda;
        clusterSize[c] = countOf(child);
        queue[tail] = child;
        clusterOf[tail++] = c;
      }
    } else if (!big(a) && !big(b)) {
      fallOut(a, cluster, lambda);
      fallOut(b, cluster, lambda);
    } else if (!big(a)) {
      fallOut(a, cluster, lambda);
      queue[tail] = b;
      clusterOf[tail++] = cluster;
    } else {
      fallOut(b, cluster, lambda);
      queue[tail] = a;
      clusterOf[tail++] = cluster;
    }
  }
  return {
    n,
    clusterCount,
    pointParent,
    pointLambda,
    clusterParent: clusterParent.slice(0, clusterCount),
    clusterBirth: clusterBirth.slice(0, clusterCount),
    clusterSize: clusterSize.slice(0, clusterCount),
  };
}

/**
 * Excess of mass of each cluster: the sum over its rows (points falling out and child clusters
 * splitting off) of (lambda − birth lambda) × size.
 */
export function clusterStability(tree: CondensedTree): Float64Array {
  const { n, clusterCount, pointParent, pointLambda, clusterParent, clusterBirth, clusterSize } = tree;
  const out = new Float64Array(clusterCount);
  for (let i = 0; i < n; i++) out[pointParent[i]] += pointLambda[i] - clusterBirth[pointParent[i]];
  for (let c = 1; c < clusterCount; c++) {
    const p = clusterParent[c];
    out[p] += (clusterBirth[c] - clusterBirth[p]) * clusterSize[c];
  }
  return out;
}

/** Highest lambda among each cluster's rows: where its last points fall out or it splits. */
export function clusterDeath(tree: CondensedTree): Float64Array {
  const { n, clusterCount, pointParent, pointLambda, clusterParent, clusterBirth } = tree;
  const out = new Float64Array(clusterCount);
  for (let i = 0; i < n; i++) out[pointParent[i]] = Math.max(out[pointParent[i]], pointLambda[i]);
  for (let c = 1; c < clusterCount; c++) out[clusterParent[c]] = Math.max(out[clusterParent[c]], clusterBirth[c]);
  return out;
}
