/**
 * Places new rows into a fitted UMAP embedding: their exact kNN among the fit sample (one
 * search per block, shared by every output), membership strengths with rho = 0 (umap-learn
 * lowers local connectivity by one for new points), the membership-weighted mean of the
 * neighbours' coordinates as the start, then a short SGD that moves only the new points
 * against the fixed fitted embedding.
 *
 * The result depends only on the model and the block: every block draws from the same
 * seeded stream and edge sampling is relative to weight 1, not to the block's heaviest
 * edge. The search session over the fit sample is built once per model object and cached
 * (not observable: it only saves time), so blocks can run in worker threads, each with
 * its own decoded model.
 */
import { createRng } from '../util/random.js';
import { membershipStrengths } from './fuzzy-simplicial-set.js';
import type { Neighbors } from '../util/neighbors.js';
import { KnnIndex } from './knn.js';
import { optimizeLayout } from './optimize-layout.js';
import { smoothKnnDistances } from './smooth-knn.js';
import type { UmapModel } from './umap-model.js';

export interface TransformUmapOptions {
  /** onnxruntime intra-op threads, fixed by the first call for a given model object; default 1,
   * a session in a serial loop (the rule: operators/workers/threads.ts, which infer applies). */
  threads?: number;
}

const indexes = new WeakMap<UmapModel, Promise<KnnIndex>>();

/** Coordinates of every row of `block` (rows × model.inputDim), one rows × dims[o] array per output. */
export async function transformUmap(
  model: UmapModel,
  block: Float32Array,
  options: TransformUmapOptions = {},
): Promise<Float32Array[]> {
  if (block.length % model.inputDim !== 0) throw new Error(`block length ${block.length} is not a multiple of ${model.inputDim}`);
  const index = await indexFor(model, options.threads ?? 1);
  const neighbors = await index.query(block);
  return placeNeighbors(model, neighbors);
}

/** Releases the cached search session of `model` (it is rebuilt on the next transform). */
export async function releaseTransformIndex(model: UmapModel): Promise<void> {
  const index = indexes.get(model);
  indexes.delete(model);
  if (index) await (await index).close();
}

function indexFor(model: UmapModel, threads: number): Promise<KnnIndex> {
  let index = indexes.get(model);
  if (!index) {
    index = KnnIndex.create(model.data, model.inputDim, { k: model.params.nNeighbors, metric: model.params.metric, threads });
    // A failed build is not cached: the next call tries again.
    index.catch(() => indexes.delete(model));
    indexes.set(model, index);
  }
  return index;
}

/** The part after the neighbour search: pure arithmetic on the model and the neighbour lists. */
export function placeNeighbors(model: UmapModel, neighbors: Neighbors): Float32Array[] {
  const p = model.params;
  const { rows, k, indices } = neighbors;
  const smooth = smoothKnnDistances(neighbors.distances, k, Math.max(0, p.localConnectivity - 1));
  const weights = membershipStrengths(neighbors, smooth, false);

  const head = new Int32Array(rows * k);
  for (let r = 0; r < rows; r++) head.fill(r, r * k, (r + 1) * k);
  const edges = { head, tail: indices, weights };

  const rng = createRng(p.seed);
  return model.dims.map((dim, o) => {
    const fitted = model.embeddings[o];
    const out = initialPositions(fitted, dim, neighbors, weights);
    optimizeLayout(out, fitted, model.n, edges, {
      dim,
      nEpochs: p.transformEpochs,
      a: p.a,
      b: p.b,
      gamma: p.repulsionStrength,
      initialAlpha: p.learningRate / 4,
      negativeSampleRate: p.negativeSampleRate,
      moveOther: false,
      fullWeight: 1,
      rng: rng.fork(),
    });
    return out;
  });
}

/**
 * Membership-weighted mean of the neighbours' fitted coordinates; a row with a neighbour
 * of full membership (a duplicate of a fitted point) starts exactly on it.
 */
function initialPositions(fitted: Float32Array, dim: number, neighbors: Neighbors, weights: Float32Array): Float32Array {
  const { rows, k, indices } = neighbors;
  const out = new Float32Array(rows * dim);
  const acc = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const base = r * k, o = r * dim;
    let exact = -1, total = 0;
    for (let j = 0; j < k; j++) {
      if (weights[base + j] >= 1) {
        exact = indices[base + j];
        break;
      }
      total += weights[base + j];
    }
    if (exact >= 0) {
      for (let t = 0; t < dim; t++) out[o + t] = fitted[exact * dim + t];
      continue;
    }
    acc.fill(0);
    // Memberships can all underflow to 0 for a far outlier: fall back to the plain mean.
    const uniform = total === 0;
    for (let j = 0; j < k; j++) {
      const w = uniform ? 1 / k : weights[base + j] / total;
      const f = indices[base + j] * dim;
      for (let t = 0; t < dim; t++) acc[t] += w * fitted[f + t];
    }
    for (let t = 0; t < dim; t++) out[o + t] = acc[t];
  }
  return out;
}
