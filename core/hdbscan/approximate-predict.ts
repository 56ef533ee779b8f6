/**
 * Approximate prediction for new rows, with the meaning of the `hdbscan` package's
 * approximate_predict: among the 2 · min_samples nearest fitted rows, the new row attaches to
 * the one nearest in mutual reachability (its own core distance being the distance to its
 * (min_samples + 1)-th nearest fitted row, the fitted rows' that of the prediction data); it
 * joins the tree at lambda = 1 / that distance, in the cluster that row falls out of or, if it
 * would join before that cluster exists, in the nearest ancestor alive at that lambda. Its label
 * is that cluster's selected ancestor-or-self (−1 if none) and its probability the lambda
 * relative to the selected cluster's death lambda, capped at 1.
 *
 * As in the package, a row with NaN or ±Infinity is an error and a row too far from every fitted
 * row to join any cluster (including one whose distance overflows) is noise.
 *
 * One deliberate difference: the package maps clusters to labels through a re-selection that
 * ignores cluster_selection_epsilon; here prediction uses the fit's actual selection, so predicted
 * labels always mean the same clusters as the fit labels.
 *
 * A predictor is a pure function of the model and a block of rows, so workers can each decode the
 * model, create a predictor and stream blocks through it.
 */
import { BlockTopK } from './block-top-k.js';
import { distanceScale, FAR_SCALED, scaleRows, unscaleDistances } from './distance-scale.js';
import type { HdbscanModel } from './hdbscan-model.js';
import { buildKdTree, type KdTree } from './kd-tree.js';
import { nearestNeighbours } from './nearest-neighbours.js';

export interface Prediction {
  labels: Int32Array;
  probabilities: Float64Array;
}

const KD_LEAF = 16;

export class HdbscanPredictor {
  private constructor(
    readonly model: HdbscanModel,
    private readonly tree: KdTree,
    private readonly kernel: BlockTopK,
    /** The fit's distance scale (distance-scale.ts): blocks are divided by it before the search. */
    private readonly scale: number,
  ) {}

  /** Builds the kd-tree over the fitted rows and the onnxruntime kernel (threads: intra-op threads). */
  static async create(model: HdbscanModel, options: { threads?: number } = {}): Promise<HdbscanPredictor> {
    const { n, d } = model.meta;
    const scale = distanceScale(model.points, n, d);
    const tree = buildKdTree(scaleRows(model.points, scale), n, d, KD_LEAF);
    return new HdbscanPredictor(model, tree, await BlockTopK.create(d, options.threads), scale);
  }

  /** Labels and probabilities for m rows (row-major, d columns). */
  async predict(block: Float32Array, m: number): Promise<Prediction> {
    const { meta, predictionCore, pointParent, pointLambda, clusterParent, clusterBirth, clusterLabel, clusterMaxLambda } = this.model;
    if (block.length < m * meta.d) throw new RangeError(`block holds ${block.length} values, expected ${m} × ${meta.d}`);
    const d = meta.d;
    for (let i = 0; i < m * d; i++) {
      if (!Number.isFinite(block[i])) {
        throw new RangeError(`row ${Math.floor(i / d)} of the block to predict holds ${block[i]}: HDBSCAN prediction needs finite values`);
      }
    }
    // Rows far outside the fitted rows' range are noise without a search (distance-scale.ts).
    const scaled = scaleRows(block.subarray(0, m * d), this.scale);
    const rows: number[] = [];
    for (let i = 0; i < m; i++) {
      let far = false;
      for (let j = 0; j < d && !far; j++) far = Math.abs(scaled[i * d + j]) > FAR_SCALED;
      if (!far) rows.push(i);
    }
    const labels = new Int32Array(m).fill(-1);
    const probabilities = new Float64Array(m);
    if (meta.labelCount === 0 || rows.length === 0) return { labels, probabilities };
    const searched = rows.length === m ? scaled : new Float32Array(rows.length * d);
    if (searched !== scaled) rows.forEach((i, r) => searched.set(scaled.subarray(i * d, i * d + d), r * d));
    const minSamples = meta.minSamples;
    const k = Math.min(meta.n, 2 * minSamples);
    const { indices, distances } = await nearestNeighbours(this.tree, this.kernel, searched, rows.length, k);
    unscaleDistances(distances, this.scale);
    const coreAt = Math.min(minSamples, k - 1);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r];
      const o = r * k;
      const core = distances[o + coreAt];
      let nearest = -1;
      let reach = Infinity;
      for (let t = 0; t < k; t++) {
        const j = indices[o + t];
        const mr = Math.max(predictionCore[j], core, distances[o + t]);
        if (mr < reach) {
          reach = mr;
          nearest = j;
        }
      }
      // No finite distance to any fitted row: too far to join any cluster.
      if (nearest < 0) continue;
      const lambda = reach > 0 ? 1 / reach : Number.MAX_VALUE;
      let cluster = pointParent[nearest];
      if (pointLambda[nearest] > lambda) {
        while (cluster > 0 && clusterBirth[cluster] >= lambda) cluster = clusterParent[cluster];
      }
      const label = clusterLabel[cluster];
      labels[i] = label;
      if (label < 0) continue;
      const maxLambda = clusterMaxLambda[cluster];
      probabilities[i] = maxLambda > 0 ? Math.min(maxLambda, lambda) / maxLambda : 1;
    }
    return { labels, probabilities };
  }

  async close(): Promise<void> {
    await this.kernel.close();
  }
}

/** One-off prediction of a single block (creates and closes a predictor). */
export async function approximatePredict(model: HdbscanModel, block: Float32Array, m: number, options: { threads?: number } = {}): Promise<Prediction> {
  const predictor = await HdbscanPredictor.create(model, options);
  try {
    return await predictor.predict(block, m);
  } finally {
    await predictor.close();
  }
}
