/** The fitted k-means model (k centroids in the clustering space) and its portable codec. */
import { modelArray, type EncodedModel } from '../model/encoded-model.js';

export const KMEANS_MODEL_FORMAT = 'semclust.kmeans/1';

export interface KMeansModel {
  /** k × dims, row-major. */
  centroids: Float32Array;
  k: number;
  dims: number;
  seed: number;
  inertia: number;
  iterations: number;
  fitRows: number;
}

export function encodeKMeansModel(m: KMeansModel): EncodedModel {
  const { centroids, ...meta } = m;
  return { meta: { format: KMEANS_MODEL_FORMAT, ...meta }, arrays: { centroids } };
}

export function decodeKMeansModel(encoded: EncodedModel): KMeansModel {
  const meta = encoded.meta as Partial<KMeansModel> & { format?: unknown };
  if (meta.format !== KMEANS_MODEL_FORMAT) throw new Error(`not a k-means model: format ${String(meta.format)}`);
  for (const key of ['k', 'dims', 'iterations', 'fitRows'] as const) {
    if (!Number.isInteger(meta[key]) || (meta[key] as number) < 1) throw new Error(`k-means model meta.${key} must be a positive integer`);
  }
  const { k, dims } = meta as KMeansModel;
  return {
    centroids: modelArray(encoded, 'centroids', Float32Array, k * dims, 'k-means'),
    k,
    dims,
    seed: Number(meta.seed),
    inertia: Number(meta.inertia),
    iterations: meta.iterations!,
    fitRows: meta.fitRows!,
  };
}
