/**
 * Single-linkage merge tree from a spanning tree, in scipy's linkage layout as the `hdbscan`
 * package builds it: row i merges clusters left[i] and right[i] (ids below n are points, id
 * n + j is the cluster formed by row j) at `distance`, giving a cluster of `size` points.
 * `edgeFrom`/`edgeTo` keep the spanning-tree edge behind each row (its two points), which the
 * condensed tree needs to tell which parts of a tied level touch which.
 */
import { UnionFind } from './union-find.js';
import type { SpanningTree } from './mutual-reachability-mst.js';

export interface SingleLinkage {
  n: number;
  left: Int32Array;
  right: Int32Array;
  distance: Float64Array;
  size: Int32Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
}

export function singleLinkage(mst: SpanningTree, n: number): SingleLinkage {
  const m = mst.weight.length;
  if (m !== n - 1) throw new RangeError(`a spanning tree of ${n} points has ${n - 1} edges, got ${m}`);
  const byWeight = Int32Array.from({ length: m }, (_, i) => i);
  byWeight.sort((a, b) => mst.weight[a] - mst.weight[b] || a - b);
  const left = new Int32Array(m);
  const right = new Int32Array(m);
  const distance = new Float64Array(m);
  const size = new Int32Array(m);
  const edgeFrom = new Int32Array(m);
  const edgeTo = new Int32Array(m);
  const uf = new UnionFind(n);
  // Linkage id of the cluster each union-find root stands for.
  const idOf = Int32Array.from({ length: n }, (_, i) => i);
  for (let row = 0; row < m; row++) {
    const e = byWeight[row];
    const ra = uf.find(mst.from[e]);
    const rb = uf.find(mst.to[e]);
    if (ra === rb) throw new Error('spanning tree contains a cycle');
    left[row] = idOf[ra];
    right[row] = idOf[rb];
    distance[row] = mst.weight[e];
    size[row] = uf.size[ra] + uf.size[rb];
    edgeFrom[row] = mst.from[e];
    edgeTo[row] = mst.to[e];
    idOf[uf.union(ra, rb)] = n + row;
  }
  return { n, left, right, distance, size, edgeFrom, edgeTo };
}
