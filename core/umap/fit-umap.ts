/**
 * Fits UMAP on a sample: exact kNN (once, shared by every output dimensionality), the
 * fuzzy graph, one spectral initialisation serving all outputs, then one SGD layout per
 * output dimensionality. Defaults follow umap-learn.
 */
import { phaseReporter, type OnProgress } from '../util/progress-event.js';
import { createRng } from '../util/random.js';
import { findAbParams } from './curve-params.js';
import { fuzzySimplicialSet, type FuzzyGraph } from './fuzzy-simplicial-set.js';
import { selfKnn, type UmapMetric } from './knn.js';
import { optimizeLayout, type LayoutEdges } from './optimize-layout.js';
import { spectralInit } from './spectral-init.js';
import type { UmapModel, UmapParams } from './umap-model.js';

export interface FitUmapOptions {
  /** Output dimensionalities, e.g. [30, 2]. */
  dims: readonly number[];
  nNeighbors?: number;
  metric?: UmapMetric;
  minDist?: number;
  spread?: number;
  /** Default 500 for at most 10,000 rows, else 200 (umap-learn). */
  nEpochs?: number;
  /** Default nEpochs/3 when nEpochs is given, else 30 (umap-learn's choice for large batches). */
  transformEpochs?: number;
  negativeSampleRate?: number;
  repulsionStrength?: number;
  learningRate?: number;
  localConnectivity?: number;
  setOpMixRatio?: number;
  seed?: number;
  /** onnxruntime intra-op threads for the kNN products. */
  threads?: number;
  /** Phases: "knn" (block pairs), "graph", "spectral init", "sgd N-d" (epochs) per output. */
  onProgress?: OnProgress;
}

/** `data` is n × inputDim row-major; the model keeps a reference to it (transform searches it). */
export async function fitUmap(data: Float32Array, inputDim: number, options: FitUmapOptions): Promise<UmapModel> {
  const n = data.length / inputDim;
  if (!Number.isInteger(n) || n < 2) throw new Error(`UMAP needs at least 2 rows of ${inputDim} values`);
  if (options.dims.length === 0 || options.dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`invalid output dimensionalities ${options.dims.join(',')}`);
  }
  const params = resolveParams(n, options);

  const report = options.onProgress;
  const neighbors = await selfKnn(data, inputDim, { k: params.nNeighbors, metric: params.metric, threads: options.threads, onStep: phaseReporter(report, 'knn') });
  report?.({ phase: 'graph', done: 0, total: 1 });
  const fuzzy = fuzzySimplicialSet(neighbors, {
    localConnectivity: params.localConnectivity,
    setOpMixRatio: params.setOpMixRatio,
  });
  const graph = pruneWeak(fuzzy, params.nEpochs);
  report?.({ phase: 'graph', done: 1, total: 1 });

  const rng = createRng(params.seed);
  const dims = [...options.dims];
  report?.({ phase: 'spectral init', done: 0, total: 1 });
  const embeddings = spectralInit(graph, dims, data, inputDim, { rng: rng.fork() });
  report?.({ phase: 'spectral init', done: 1, total: 1 });
  const edges = edgesOf(graph);
  dims.forEach((dim, o) => {
    optimizeLayout(embeddings[o], embeddings[o], n, edges, {
      dim,
      nEpochs: params.nEpochs,
      a: params.a,
      b: params.b,
      gamma: params.repulsionStrength,
      initialAlpha: params.learningRate,
      negativeSampleRate: params.negativeSampleRate,
      moveOther: true,
      rng: rng.fork(),
      onStep: phaseReporter(report, `sgd ${dim}-d`),
    });
  });
  return { params, n, inputDim, data, dims, embeddings };
}

function resolveParams(n: number, o: FitUmapOptions): UmapParams {
  const minDist = o.minDist ?? 0.1, spread = o.spread ?? 1;
  const { a, b } = findAbParams(spread, minDist);
  const nEpochs = o.nEpochs ?? (n <= 10_000 ? 500 : 200);
  return {
    nNeighbors: Math.min(o.nNeighbors ?? 15, n),
    metric: o.metric ?? 'cosine',
    minDist,
    spread,
    a,
    b,
    nEpochs,
    transformEpochs: o.transformEpochs ?? (o.nEpochs !== undefined ? Math.max(1, Math.floor(o.nEpochs / 3)) : 30),
    negativeSampleRate: o.negativeSampleRate ?? 5,
    repulsionStrength: o.repulsionStrength ?? 1,
    learningRate: o.learningRate ?? 1,
    localConnectivity: o.localConnectivity ?? 1,
    setOpMixRatio: o.setOpMixRatio ?? 1,
    seed: o.seed ?? 0,
  };
}

/**
 * Drops edges too weak to be sampled even once in nEpochs (weight < max/nEpochs), before
 * the spectral initialisation as in umap-learn, so both see the same graph.
 */
function pruneWeak(g: FuzzyGraph, nEpochs: number): FuzzyGraph {
  let max = 0;
  for (let p = 0; p < g.weights.length; p++) max = Math.max(max, g.weights[p]);
  const cut = max / nEpochs;
  const indptr = new Int32Array(g.n + 1);
  const indices = new Int32Array(g.indices.length);
  const weights = new Float32Array(g.weights.length);
  let nnz = 0;
  for (let i = 0; i < g.n; i++) {
    for (let p = g.indptr[i]; p < g.indptr[i + 1]; p++) {
      if (g.weights[p] < cut) continue;
      indices[nnz] = g.indices[p];
      weights[nnz++] = g.weights[p];
    }
    indptr[i + 1] = nnz;
  }
  return { n: g.n, indptr, indices: indices.slice(0, nnz), weights: weights.slice(0, nnz) };
}

function edgesOf(g: FuzzyGraph): LayoutEdges {
  const head = new Int32Array(g.indices.length);
  for (let i = 0; i < g.n; i++) head.fill(i, g.indptr[i], g.indptr[i + 1]);
  return { head, tail: g.indices, weights: g.weights };
}
