/**
 * HDBSCAN* over Euclidean row-major Float32Array data, with the semantics of the Python `hdbscan`
 * package (scikit-learn-contrib) and an exact minimum spanning tree:
 * core distances → mutual-reachability MST → single linkage → condensed tree → eom / leaf
 * selection (with cluster_selection_epsilon) → labels (−1 noise) and membership probabilities,
 * plus the model that approximate prediction needs.
 */
import { phaseReporter, type OnProgress } from '../util/progress-event.js';
import { BlockTopK } from './block-top-k.js';
import { condenseTree, type CondensedTree } from './condensed-tree.js';
import { coreDistances, predictionCoreDistances } from './core-distances.js';
import { distanceScale, scaleRows, unscaleDistances } from './distance-scale.js';
import { HDBSCAN_MODEL_FORMAT, type HdbscanModel } from './hdbscan-model.js';
import { buildKdTree } from './kd-tree.js';
import { mutualReachabilityMst } from './mutual-reachability-mst.js';
import { nearestNeighbors } from './nearest-neighbors.js';
import { labelPoints, selectClusters, type SelectionMethod } from './select-clusters.js';
import { singleLinkage } from './single-linkage.js';

export interface HdbscanOptions {
  minClusterSize: number;
  /** Neighbours (besides the point) that define core distances; defaults to minClusterSize as in the package. */
  minSamples?: number;
  clusterSelectionMethod?: SelectionMethod;
  clusterSelectionEpsilon?: number;
  /** The `hdbscan` package's allow_single_cluster: the root may be the one cluster. */
  allowSingleCluster?: boolean;
  /** onnxruntime intra-op threads; left out, one per physical core. */
  threads?: number;
  /** Phases: "core distances" (queries searched), "mst" (edges of n − 1), "tree" (0 then 1). */
  onProgress?: OnProgress;
}

export interface HdbscanResult {
  labels: Int32Array;
  probabilities: Float64Array;
  model: HdbscanModel;
}

/**
 * Neighbours listed per point for the spanning tree, in multiples of min_samples + 1: longer
 * lists let more Borůvka components be settled without a search (measured in bench/hdbscan.ts).
 */
const LIST_FACTOR = 2;
const KD_LEAF = 16;

export async function fitHdbscan(data: Float32Array, n: number, d: number, options: HdbscanOptions): Promise<HdbscanResult> {
  const minClusterSize = options.minClusterSize;
  if (!Number.isInteger(minClusterSize) || minClusterSize < 2) {
    throw new RangeError(`minClusterSize must be an integer ≥ 2, got ${minClusterSize}`);
  }
  const requested = options.minSamples ?? minClusterSize;
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`minSamples must be a positive integer, got ${requested}`);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(d) || d < 1) throw new RangeError(`need n ≥ 1 rows of d ≥ 1 columns, got ${n} × ${d}`);
  if (data.length < n * d) throw new RangeError(`data holds ${data.length} values, expected ${n} × ${d}`);
  for (let i = 0; i < n * d; i++) if (!Number.isFinite(data[i])) throw new RangeError(`data row ${Math.floor(i / d)} is not finite`);
  const method = options.clusterSelectionMethod ?? 'eom';
  const epsilon = options.clusterSelectionEpsilon ?? 0;
  // As the package: at most n − 1 neighbours, at least one.
  const minSamples = Math.max(1, Math.min(n - 1, requested));
  const points = data.slice(0, n * d);

  const predictionCore = new Float64Array(n);
  let condensed: CondensedTree = {
    n,
    clusterCount: 1,
    pointParent: new Int32Array(n),
    pointLambda: new Float64Array(n),
    clusterParent: Int32Array.of(-1),
    clusterBirth: Float64Array.of(0),
    clusterSize: Int32Array.of(n),
  };
  if (n >= 2) {
    // Searches run on rows scaled into float32's safe range; distances come back in data units.
    const scale = distanceScale(points, n, d);
    const scaled = scaleRows(points, scale);
    const kd = buildKdTree(scaled, n, d, KD_LEAF);
    const kernel = await BlockTopK.create(d, options.threads);
    try {
      const listSize = Math.min(n, LIST_FACTOR * (minSamples + 1));
      const report = options.onProgress;
      const neighbours = await nearestNeighbors(kd, kernel, scaled, n, listSize, undefined, phaseReporter(report, 'core distances'));
      predictionCore.set(unscaleDistances(predictionCoreDistances(neighbours, minSamples), scale));
      const mst = await mutualReachabilityMst(kd, kernel, coreDistances(neighbours, minSamples), neighbours, undefined, undefined, phaseReporter(report, 'mst'));
      unscaleDistances(mst.weight, scale);
      report?.({ phase: 'tree', done: 0, total: 1 });
      condensed = condenseTree(singleLinkage(mst, n), minClusterSize);
      report?.({ phase: 'tree', done: 1, total: 1 });
    } finally {
      await kernel.close();
    }
  }
  const selection = selectClusters(condensed, method, epsilon, options.allowSingleCluster ?? false);
  const { labels, probabilities } = labelPoints(condensed, selection, epsilon);
  return {
    labels,
    probabilities,
    model: {
      meta: {
        format: HDBSCAN_MODEL_FORMAT,
        n,
        d,
        minSamples,
        minClusterSize,
        clusterSelectionMethod: method,
        clusterSelectionEpsilon: epsilon,
        labelCount: selection.labelCount,
        clusterCount: condensed.clusterCount,
      },
      points,
      predictionCore,
      pointParent: condensed.pointParent,
      pointLambda: condensed.pointLambda,
      clusterParent: condensed.clusterParent,
      clusterBirth: condensed.clusterBirth,
      clusterSize: condensed.clusterSize,
      clusterLabel: selection.clusterLabel,
      clusterMaxLambda: selection.clusterMaxLambda,
    },
  };
}
