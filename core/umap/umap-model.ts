/**
 * A fitted UMAP projection as plain data: the fit sample, its coordinates for every output
 * dimensionality, and the parameters the transform needs. `encodeUmapModel` splits it into
 * JSON-able metadata and named typed arrays for the caller to persist (core does no I/O);
 * `decodeUmapModel` validates and rebuilds it.
 */
import type { EncodedModel } from '../model/encoded-model.js';
import type { UmapMetric } from './knn.js';

export interface UmapParams {
  nNeighbors: number;
  metric: UmapMetric;
  minDist: number;
  spread: number;
  /** Curve 1/(1 + a·d^2b) fitted from minDist and spread. */
  a: number;
  b: number;
  nEpochs: number;
  transformEpochs: number;
  negativeSampleRate: number;
  repulsionStrength: number;
  learningRate: number;
  localConnectivity: number;
  setOpMixRatio: number;
  seed: number;
}

export interface UmapModel {
  params: UmapParams;
  /** Fit sample size and input dimensionality. */
  n: number;
  inputDim: number;
  /** The fit sample, n × inputDim row-major: transform finds neighbours among these rows. */
  data: Float32Array;
  /** Output dimensionalities, e.g. [30, 2]. */
  dims: number[];
  /** embeddings[o] is n × dims[o], the fitted coordinates of the sample. */
  embeddings: Float32Array[];
}

export interface EncodedUmapModel {
  meta: { format: 'semclust-umap'; version: 1; n: number; inputDim: number; dims: number[]; params: UmapParams };
  arrays: Record<string, Float32Array | Int32Array>;
}

export function encodeUmapModel(model: UmapModel): EncodedUmapModel {
  const arrays: Record<string, Float32Array> = { data: model.data };
  model.embeddings.forEach((e, o) => (arrays[embeddingName(o)] = e));
  return {
    meta: { format: 'semclust-umap', version: 1, n: model.n, inputDim: model.inputDim, dims: [...model.dims], params: { ...model.params } },
    arrays,
  };
}

export function decodeUmapModel(encoded: EncodedModel): UmapModel {
  const meta = encoded.meta as Partial<EncodedUmapModel['meta']>;
  if (meta?.format !== 'semclust-umap' || meta.version !== 1) throw new Error('not a semclust UMAP model (format/version)');
  const { n, inputDim, dims, params } = meta;
  if (!Number.isInteger(n) || !Number.isInteger(inputDim) || !Array.isArray(dims) || !params) {
    throw new Error('UMAP model metadata is incomplete');
  }
  const data = float32(encoded.arrays, 'data', n! * inputDim!);
  const embeddings = dims.map((d, o) => float32(encoded.arrays, embeddingName(o), n! * d));
  return { params: { ...params }, n: n!, inputDim: inputDim!, data, dims: [...dims], embeddings };
}

function embeddingName(output: number): string {
  return `embedding${output}`;
}

function float32(arrays: EncodedModel['arrays'], name: string, length: number): Float32Array {
  const a = arrays[name];
  if (!(a instanceof Float32Array)) throw new Error(`UMAP model array ${name} is missing or not float32`);
  if (a.length !== length) throw new Error(`UMAP model array ${name} has ${a.length} values, expected ${length}`);
  return a;
}
