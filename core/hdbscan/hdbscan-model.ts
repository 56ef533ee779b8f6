/**
 * A fitted HDBSCAN model as plain typed arrays plus JSON-able metadata: everything approximate
 * prediction needs (the fitted rows, their prediction core distances, the condensed tree and the
 * flat selection), so it can be stored by the caller and rebuilt in any worker. The kd-tree is not
 * stored: rebuilding it from `points` is a fraction of a second and keeps the format small.
 */
import type { SelectionMethod } from './select-clusters.js';

export const HDBSCAN_MODEL_FORMAT = 'semclust.hdbscan/1';

export interface HdbscanModelMeta {
  format: typeof HDBSCAN_MODEL_FORMAT;
  n: number;
  d: number;
  /** The min_samples actually used (at most n − 1). */
  minSamples: number;
  minClusterSize: number;
  clusterSelectionMethod: SelectionMethod;
  clusterSelectionEpsilon: number;
  /** Number of flat clusters (labels 0 … labelCount − 1). */
  labelCount: number;
  /** Number of condensed-tree clusters, the root included. */
  clusterCount: number;
}

export interface HdbscanModel {
  meta: HdbscanModelMeta;
  /** n × d fitted rows. */
  points: Float32Array;
  /** Distance of each fitted row to its min_samples-th nearest row counting itself. */
  predictionCore: Float64Array;
  pointParent: Int32Array;
  pointLambda: Float64Array;
  clusterParent: Int32Array;
  clusterBirth: Float64Array;
  clusterSize: Int32Array;
  /** Flat label of each condensed cluster's selected ancestor-or-self, −1 if none. */
  clusterLabel: Int32Array;
  /** Death lambda of that selected cluster. */
  clusterMaxLambda: Float64Array;
}

export interface EncodedHdbscanModel {
  meta: object;
  arrays: Record<string, Float32Array | Int32Array | Float64Array>;
}

type ArrayKey = Exclude<keyof HdbscanModel, 'meta'>;

const LAYOUT: Record<ArrayKey, { type: typeof Float32Array | typeof Int32Array | typeof Float64Array; length: (m: HdbscanModelMeta) => number }> = {
  points: { type: Float32Array, length: (m) => m.n * m.d },
  predictionCore: { type: Float64Array, length: (m) => m.n },
  pointParent: { type: Int32Array, length: (m) => m.n },
  pointLambda: { type: Float64Array, length: (m) => m.n },
  clusterParent: { type: Int32Array, length: (m) => m.clusterCount },
  clusterBirth: { type: Float64Array, length: (m) => m.clusterCount },
  clusterSize: { type: Int32Array, length: (m) => m.clusterCount },
  clusterLabel: { type: Int32Array, length: (m) => m.clusterCount },
  clusterMaxLambda: { type: Float64Array, length: (m) => m.clusterCount },
};

export function encodeHdbscanModel(model: HdbscanModel): EncodedHdbscanModel {
  const arrays: EncodedHdbscanModel['arrays'] = {};
  for (const key of Object.keys(LAYOUT) as ArrayKey[]) arrays[key] = model[key];
  return { meta: { ...model.meta }, arrays };
}

export function decodeHdbscanModel(encoded: EncodedHdbscanModel): HdbscanModel {
  const meta = encoded.meta as Partial<HdbscanModelMeta>;
  if (meta.format !== HDBSCAN_MODEL_FORMAT) throw new Error(`not an HDBSCAN model: format ${String(meta.format)}`);
  for (const key of ['n', 'd', 'minSamples', 'minClusterSize', 'labelCount', 'clusterCount'] as const) {
    if (!Number.isInteger(meta[key]) || (meta[key] as number) < 0) throw new Error(`HDBSCAN model meta.${key} must be a non-negative integer`);
  }
  if (meta.clusterSelectionMethod !== 'eom' && meta.clusterSelectionMethod !== 'leaf') {
    throw new Error(`HDBSCAN model meta.clusterSelectionMethod must be eom or leaf`);
  }
  if (typeof meta.clusterSelectionEpsilon !== 'number' || !(meta.clusterSelectionEpsilon >= 0)) {
    throw new Error('HDBSCAN model meta.clusterSelectionEpsilon must be a non-negative number');
  }
  const full = meta as HdbscanModelMeta;
  const model = { meta: { ...full } } as HdbscanModel;
  for (const key of Object.keys(LAYOUT) as ArrayKey[]) {
    const { type, length } = LAYOUT[key];
    const a = encoded.arrays[key];
    if (!(a instanceof type)) throw new Error(`HDBSCAN model array ${key} must be a ${type.name}`);
    if (a.length !== length(full)) throw new Error(`HDBSCAN model array ${key} has ${a.length} values, expected ${length(full)}`);
    (model as unknown as Record<ArrayKey, typeof a>)[key] = a;
  }
  return model;
}
