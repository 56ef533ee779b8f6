/**
 * The condensed cluster tree of the `hdbscan` package (runt pruning with min_cluster_size).
 * Walking the single-linkage tree from the root in breadth-first order, a split into two sides of
 * at least min_cluster_size points creates two child clusters; otherwise the small side's points
 * "fall out" of the current cluster at that level, which keeps its identity. Levels are
 * lambda = 1 / distance.
 *
 * Merges at one distance are one level (issue 8 item 15): the node's merge row and every merge
 * row beneath it at the same distance form one multi-way split into the parts below them, so the
 * result does not depend on the order in which tied spanning-tree edges were linked (with binary
 * splits, one order of equal edges created a 5-point cluster that exists at no distance). Big
 * parts become child clusters; a small part joins the child it touches through tied edges (the
 * largest, if it bridges several). Without ties every level has two parts and this is the
 * package's binary walk, unchanged.
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
  const parts: number[] = [];
  const tiedRows: number[] = [];
  const childOf: number[] = [];
  let parentNode: Int32Array | undefined;
  while (head < tail) {
    const node = queue[head];
    const cluster = clusterOf[head++];
    // Only sides of at least minClusterSize ≥ 2 points are queued, so `node` is a merge row.
    const row = node - n;
    const lambda = distance[row] > 0 ? 1 / distance[row] : Infinity;
    tiedLevel(linkage, node, parts, tiedRows);
    let bigCount = 0;
    for (const part of parts) if (countOf(part) >= minClusterSize) bigCount++;
    if (bigCount < 2) {
      // No split: the big part (if any) carries the cluster on, the rest falls out of it.
      for (const part of parts) {
        if (countOf(part) < minClusterSize) fallOut(part, cluster, lambda);
        else {
          queue[tail] = part;
          clusterOf[tail++] = cluster;
        }
      }
      continue;
    }
    const owner =
      parts.length > 2 && bigCount < parts.length
        ? smallPartOwners(linkage, parts, tiedRows, minClusterSize, (parentNode ??= linkageParents(linkage)))
        : undefined;
    childOf.length = 0;
    parts.forEach((part, p) => {
      if (countOf(part) < minClusterSize) return;
      const c = clusterCount++;
      childOf[p] = c;
      clusterParent[c] = cluster;
      clusterBirth[c] = lambda;
      clusterSize[c] = countOf(part);
      queue[tail] = part;
      clusterOf[tail++] = c;
    });
    parts.forEach((part, p) => {
      if (countOf(part) >= minClusterSize) return;
      const o = owner ? owner[p] : -1;
      if (o < 0) fallOut(part, cluster, lambda);
      else {
        // Joins a new cluster it touches, falling out of it at once (as the package's binary walk
        // does when the small part's edge is linked before the big parts meet).
        fallOut(part, childOf[o], lambda);
        clusterSize[childOf[o]] += countOf(part);
      }
    });
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
 * The parts a merge node splits into at its distance: the sub-trees reached through merge rows of
 * exactly that distance, left first (the order the binary walk gives its two sides), and those
 * tied rows themselves.
 */
function tiedLevel(linkage: SingleLinkage, node: number, parts: number[], rows: number[]): void {
  const { n, left, right, distance } = linkage;
  const level = distance[node - n];
  parts.length = 0;
  rows.length = 0;
  const stack = [node];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x >= n && distance[x - n] === level) {
      rows.push(x - n);
      stack.push(right[x - n], left[x - n]);
    } else parts.push(x);
  }
}

/** Parent of every linkage node (points and merge rows), −1 for the root. */
function linkageParents(linkage: SingleLinkage): Int32Array {
  const { n, left, right } = linkage;
  const parent = new Int32Array(2 * n - 1).fill(-1);
  for (let r = 0; r < n - 1; r++) parent[left[r]] = parent[right[r]] = n + r;
  return parent;
}

/**
 * At a tied level with at least two big parts: for each small part, the index of the big part it
 * joins. A group of small parts (small parts joined by tied edges) joins the big part it touches;
 * when it touches several (it bridges new clusters) it joins the largest of them, then the first
 * in part order. The package's binary walk gives such a bridge to whichever side its edges were
 * linked to first; largest-first is the answer that depends on no edge order and the one the
 * package gives on the ties case (point 0 bridges a 79- and a 24-point cluster and joins
 * the 79). −1: touches no big part (cannot happen while the level is connected). Each tied
 * edge's points are located by climbing the linkage to the level's parts; levels with three or
 * more parts and a small one are rare, so the climb costs little.
 */
function smallPartOwners(linkage: SingleLinkage, parts: number[], rows: number[], minClusterSize: number, parent: Int32Array): Int32Array {
  const { n, size, edgeFrom, edgeTo } = linkage;
  const index = new Map<number, number>();
  parts.forEach((part, p) => index.set(part, p));
  const count = (p: number): number => (parts[p] < n ? 1 : size[parts[p] - n]);
  const isBig = (p: number): boolean => count(p) >= minClusterSize;
  const partOf = (point: number): number => {
    let x = point;
    while (!index.has(x)) x = parent[x];
    return index.get(x)!;
  };
  // Union-find over the small parts, then the preferred big part each group touches.
  const root = Int32Array.from(parts, (_, p) => p);
  const find = (p: number): number => {
    while (root[p] !== p) p = root[p] = root[root[p]];
    return p;
  };
  const ends = rows.map((r) => [partOf(edgeFrom[r]), partOf(edgeTo[r])]);
  for (const [a, b] of ends) if (!isBig(a) && !isBig(b)) root[find(a)] = find(b);
  const joins = new Int32Array(parts.length).fill(-1);
  for (const [a, b] of ends) {
    if (isBig(a) === isBig(b)) continue;
    const [small, big] = isBig(a) ? [b, a] : [a, b];
    const g = find(small);
    const current = joins[g];
    if (current < 0 || count(big) > count(current) || (count(big) === count(current) && big < current)) joins[g] = big;
  }
  return Int32Array.from(parts, (_, p) => (isBig(p) ? p : joins[find(p)]));
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
