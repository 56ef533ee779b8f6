/**
 * k-nearest-neighbour lists, one type for both searches: UMAP's kNN graph (float32 distances,
 * core/umap/knn.ts) and HDBSCAN's exact kd-tree search (float64 distances,
 * core/hdbscan/nearest-neighbors.ts).
 */
export interface Neighbors<Distances extends Float32Array | Float64Array = Float32Array> {
  /** Query rows. */
  rows: number;
  k: number;
  /** rows × k row-major indices of the searched points, nearest first, equal distances by lower index. */
  indices: Int32Array;
  /** rows × k distances, same order. */
  distances: Distances;
}
