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
 * With `assignNoise`, a row that comes out as noise gets its most likely cluster instead
 * (assign-noise.ts) and is flagged in `reassigned`; its probability stays 0.
 *
 * A predictor is a pure function of the model and a block of rows, so workers can each decode the
 * model, create a predictor and stream blocks through it.
 */
import { BlockTopK } from './block-top-k.js';
import { distanceScale, FAR_SCALED, scaleRows, unscaleDistances } from './distance-scale.js';
import { clusterMeans, fittedRowLabels, labelAt, nearestMean } from './assign-noise.js';
import type { HdbscanModel } from './hdbscan-model.js';
import { buildKdTree, type KdTree } from './kd-tree.js';
import { nearestNeighbors } from './nearest-neighbors.js';
import { takeRows } from '../util/rows.js';

export interface Prediction {
  labels: Int32Array;
  probabilities: Float64Array;
  /** 1 where a noise row was given its most likely cluster (assignNoise). */
  reassigned: Uint8Array;
}

export interface PredictorOptions {
  /** onnxruntime intra-op threads. */
  threads?: number;
  /** Give noise rows their most likely cluster (assign-noise.ts). */
  assignNoise?: boolean;
}

/** What noise reassignment needs, computed once per predictor. */
interface NoiseData {
  fitLabels: Int32Array;
  means: Float64Array;
}

const KD_LEAF = 16;

export class HdbscanPredictor {
  private constructor(
    readonly model: HdbscanModel,
    private readonly tree: KdTree,
    private readonly kernel: BlockTopK,
    /** The fit's distance scale (distance-scale.ts): blocks are divided by it before the search. */
    private readonly scale: number,
    private readonly noise: NoiseData | null,
  ) {}

  /** Builds the kd-tree over the fitted rows and the onnxruntime kernel (threads: intra-op threads). */
  static async create(model: HdbscanModel, options: PredictorOptions = {}): Promise<HdbscanPredictor> {
    const { n, d } = model.meta;
    const scale = distanceScale(model.points, n, d);
    const tree = buildKdTree(scaleRows(model.points, scale), n, d, KD_LEAF);
    let noise: NoiseData | null = null;
    if (options.assignNoise) {
      const fitLabels = fittedRowLabels(model);
      noise = { fitLabels, means: clusterMeans(model, fitLabels) };
    }
    return new HdbscanPredictor(model, tree, await BlockTopK.create(d, options.threads), scale, noise);
  }

  /** Labels and probabilities for m rows (row-major, d columns). */
  async predict(block: Float32Array, m: number): Promise<Prediction> {
    const { meta, predictionCore, pointParent, pointLambda, clusterParent, clusterBirth, clusterMaxLambda } = this.model;
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
    const reassigned = new Uint8Array(m);
    const noise = this.noise;
    // Rule 2 of assign-noise.ts for rows that no search reaches.
    const toNearestMean = () => {
      if (!noise || meta.labelCount === 0) return;
      for (let i = 0; i < m; i++) {
        if (labels[i] >= 0 || reassigned[i]) continue;
        labels[i] = nearestMean(noise.means, meta.labelCount, block.subarray(i * d, i * d + d), d);
        reassigned[i] = 1;
      }
    };
    if (meta.labelCount === 0 || rows.length === 0) {
      toNearestMean();
      return { labels, probabilities, reassigned };
    }
    const searched = rows.length === m ? scaled : takeRows(scaled, d, rows);
    const minSamples = meta.minSamples;
    const k = Math.min(meta.n, 2 * minSamples);
    const { indices, distances } = await nearestNeighbors(this.tree, this.kernel, searched, rows.length, k);
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
      const label = labelAt(this.model, cluster, lambda);
      labels[i] = label;
      if (label >= 0) {
        const maxLambda = clusterMaxLambda[cluster];
        probabilities[i] = maxLambda > 0 ? Math.min(maxLambda, lambda) / maxLambda : 1;
        continue;
      }
      if (!noise) continue;
      // Rule 1: the clustered candidate nearest in mutual reachability.
      let best = -1;
      let bestReach = Infinity;
      for (let t = 0; t < k; t++) {
        const j = indices[o + t];
        if (j < 0 || noise.fitLabels[j] < 0) continue;
        const mr = Math.max(predictionCore[j], core, distances[o + t]);
        if (mr < bestReach) {
          bestReach = mr;
          best = j;
        }
      }
      if (best >= 0) {
        labels[i] = noise.fitLabels[best];
        reassigned[i] = 1;
      }
    }
    toNearestMean();
    return { labels, probabilities, reassigned };
  }

  async close(): Promise<void> {
    await this.kernel.close();
  }
}

/** One-off prediction of a single block (creates and closes a predictor). */
export async function approximatePredict(model: HdbscanModel, block: Float32Array, m: number, options: PredictorOptions = {}): Promise<Prediction> {
  const predictor = await HdbscanPredictor.create(model, options);
  try {
    return await predictor.predict(block, m);
  } finally {
    await predictor.close();
  }
}
