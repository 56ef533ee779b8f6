/**
 * Spectral initialisation of the layout: the leading non-trivial eigenvectors of the
 * normalised adjacency D^-1/2 W D^-1/2 (the smallest of the normalised Laplacian), so SGD
 * starts from a layout that already reflects the graph's global structure.
 *
 * One eigen-solve serves every requested output dimensionality: a d-dimensional layout is
 * the first d vectors of the largest one. A graph with several connected components is laid
 * out as umap-learn does: components are placed at "meta" positions (unit vectors when there
 * are few; otherwise the principal components of the component centroids — umap-learn uses
 * a spectral embedding of the centroids there), each laid out spectrally inside half the gap
 * to its nearest neighbour component, tiny ones scattered uniformly.
 */
import type { Rng } from '../util/random.js';
import type { FuzzyGraph } from './fuzzy-simplicial-set.js';
import { lanczosTopEigen } from './lanczos.js';

export interface SpectralInitOptions {
  rng: Rng;
  /** Lanczos steps per solve; default max(2·count + 1, count + 32) (count + 64 scored the same on the bench data). */
  lanczosSteps?: number;
}

/** The box umap-learn rescales every initial coordinate into before SGD. */
const BOX = 10;
const NOISE = 1e-4;

/**
 * Initial positions (n × d for each d in `outputDims`) in [0, 10]^d. `data` (n × dataDim)
 * is only read when the graph has more components than twice an output dimensionality.
 */
export function spectralInit(
  graph: FuzzyGraph,
  outputDims: readonly number[],
  data: Float32Array,
  dataDim: number,
  options: SpectralInitOptions,
): Float32Array[] {
  const n = graph.n;
  const maxDim = Math.max(...outputDims);
  const { count, labels } = connectedComponents(graph);

  let layouts: Float64Array[];
  if (count === 1) {
    const vectors = spectralVectors(graph, null, maxDim, options);
    layouts = outputDims.map((d) => columns(vectors, n, maxDim, d));
  } else {
    layouts = multiComponentLayouts(graph, labels, count, outputDims, data, dataDim, options);
  }
  return layouts.map((layout, o) => boxed(layout, n, outputDims[o], options.rng));
}

/** Eigenvectors as an n × want matrix (row-major) for the vertices listed in `members` (all when null). */
function spectralVectors(
  graph: FuzzyGraph,
  members: Int32Array | null,
  want: number,
  options: SpectralInitOptions,
): Float64Array {
  const sub = members ? subgraph(graph, members) : graph;
  const n = sub.n;
  const invSqrtDeg = new Float64Array(n);
  const trivial = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let deg = 0;
    for (let p = sub.indptr[i]; p < sub.indptr[i + 1]; p++) deg += sub.weights[p];
    invSqrtDeg[i] = deg > 0 ? 1 / Math.sqrt(deg) : 0;
    trivial[i] = Math.sqrt(deg);
    total += deg;
  }
  for (let i = 0; i < n; i++) trivial[i] /= Math.sqrt(total);

  const scaled = new Float64Array(n);
  const apply = (x: Float64Array, y: Float64Array): void => {
    for (let i = 0; i < n; i++) scaled[i] = x[i] * invSqrtDeg[i];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = sub.indptr[i]; p < sub.indptr[i + 1]; p++) s += sub.weights[p] * scaled[sub.indices[p]];
      y[i] = s * invSqrtDeg[i];
    }
  };
  const steps = options.lanczosSteps ?? Math.max(2 * want + 1, want + 32);
  // The top eigenvector sqrt(degree) is known (eigenvalue 1) and carries no layout: deflate it.
  const { vectors } = lanczosTopEigen(apply, n, want, { steps, rng: options.rng, deflate: [trivial] });
  const found = vectors.length / n;
  const out = new Float64Array(n * want);
  for (let c = 0; c < found; c++) for (let i = 0; i < n; i++) out[i * want + c] = vectors[c * n + i];
  return out;
}

function multiComponentLayouts(
  graph: FuzzyGraph,
  labels: Int32Array,
  count: number,
  outputDims: readonly number[],
  data: Float32Array,
  dataDim: number,
  options: SpectralInitOptions,
): Float64Array[] {
  const n = graph.n;
  const members = componentMembers(labels, count);
  const maxDim = Math.max(...outputDims);
  const needsCentroids = outputDims.some((d) => count > 2 * d);
  const centroidPcs = needsCentroids ? centroidComponents(data, dataDim, labels, count, maxDim, options.rng) : null;

  // Each component's eigenvectors are computed once, for the largest dimensionality it is laid out spectrally in.
  const componentVectors: (Float64Array | null)[] = members.map((m) => {
    const want = Math.max(0, ...outputDims.filter((d) => spectralFits(m.length, d)));
    return want > 0 ? spectralVectors(graph, m, want, options) : null;
  });

  return outputDims.map((d) => {
    const meta = count > 2 * d ? columns(centroidPcs!, count, maxDim, d) : axisMeta(count, d);
    normaliseMaxAbs(meta);
    const layout = new Float64Array(n * d);
    members.forEach((m, c) => {
      const range = halfGapToNearest(meta, count, d, c);
      const vectors = componentVectors[c];
      if (vectors && spectralFits(m.length, d)) {
        const width = vectors.length / m.length;
        let maxAbs = 0;
        for (let i = 0; i < m.length; i++) for (let t = 0; t < d; t++) maxAbs = Math.max(maxAbs, Math.abs(vectors[i * width + t]));
        const f = maxAbs > 0 ? range / maxAbs : 0;
        for (let i = 0; i < m.length; i++)
          for (let t = 0; t < d; t++) layout[m[i] * d + t] = vectors[i * width + t] * f + meta[c * d + t];
      } else {
        for (let i = 0; i < m.length; i++)
          for (let t = 0; t < d; t++) layout[m[i] * d + t] = (2 * options.rng.next() - 1) * range + meta[c * d + t];
      }
    });
    return layout;
  });
}

/** Components too small for a d-dimensional eigen-layout are scattered instead (umap-learn's rule). */
function spectralFits(size: number, d: number): boolean {
  return size >= 2 * d && size > d + 1;
}

/** ±e_1, ±e_2, …: as far apart as possible when there are at most 2d components. */
function axisMeta(count: number, d: number): Float64Array {
  const meta = new Float64Array(count * d);
  const half = Math.ceil(count / 2);
  for (let c = 0; c < count; c++) meta[c * d + (c % half)] = c < half ? 1 : -1;
  return meta;
}

/** count × want principal-component scores of the component centroids. */
function centroidComponents(
  data: Float32Array,
  dataDim: number,
  labels: Int32Array,
  count: number,
  want: number,
  rng: Rng,
): Float64Array {
  const centroids = new Float64Array(count * dataDim);
  const sizes = new Float64Array(count);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    sizes[c]++;
    for (let j = 0; j < dataDim; j++) centroids[c * dataDim + j] += data[i * dataDim + j];
  }
  const mean = new Float64Array(dataDim);
  for (let c = 0; c < count; c++) {
    for (let j = 0; j < dataDim; j++) {
      centroids[c * dataDim + j] /= sizes[c];
      mean[j] += centroids[c * dataDim + j] / count;
    }
  }
  for (let c = 0; c < count; c++) for (let j = 0; j < dataDim; j++) centroids[c * dataDim + j] -= mean[j];

  // Eigenvectors of the Gram matrix C·Cᵀ, scaled by sqrt(eigenvalue), are the PCA scores.
  const tmp = new Float64Array(dataDim);
  const gram = (x: Float64Array, y: Float64Array): void => {
    tmp.fill(0);
    for (let c = 0; c < count; c++) for (let j = 0; j < dataDim; j++) tmp[j] += centroids[c * dataDim + j] * x[c];
    for (let c = 0; c < count; c++) {
      let s = 0;
      for (let j = 0; j < dataDim; j++) s += centroids[c * dataDim + j] * tmp[j];
      y[c] = s;
    }
  };
  const { values, vectors } = lanczosTopEigen(gram, count, want, { steps: Math.max(2 * want + 1, want + 32), rng });
  const out = new Float64Array(count * want);
  for (let k = 0; k < values.length; k++) {
    const f = Math.sqrt(Math.max(0, values[k]));
    for (let c = 0; c < count; c++) out[c * want + k] = vectors[k * count + c] * f;
  }
  return out;
}

function halfGapToNearest(meta: Float64Array, count: number, d: number, c: number): number {
  let best = Infinity;
  for (let o = 0; o < count; o++) {
    if (o === c) continue;
    let ss = 0;
    for (let t = 0; t < d; t++) {
      const diff = meta[c * d + t] - meta[o * d + t];
      ss += diff * diff;
    }
    if (ss > 0 && ss < best) best = ss;
  }
  return Number.isFinite(best) ? Math.sqrt(best) / 2 : 1;
}

/** First `d` columns of a rows × width row-major matrix. */
function columns(m: Float64Array, rows: number, width: number, d: number): Float64Array {
  if (d === width) return m;
  const out = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) for (let t = 0; t < d; t++) out[i * d + t] = m[i * width + t];
  return out;
}

function normaliseMaxAbs(m: Float64Array): void {
  let maxAbs = 0;
  for (let i = 0; i < m.length; i++) maxAbs = Math.max(maxAbs, Math.abs(m[i]));
  if (maxAbs > 0) for (let i = 0; i < m.length; i++) m[i] /= maxAbs;
}

/**
 * umap-learn's final touch: scale to max |x| = 10, add tiny noise so coincident points can
 * separate, then rescale every column to [0, 10].
 */
function boxed(layout: Float64Array, n: number, d: number, rng: Rng): Float32Array {
  normaliseMaxAbs(layout);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) out[i] = layout[i] * BOX + rng.gaussian() * NOISE;
  for (let t = 0; t < d; t++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, out[i * d + t]);
      hi = Math.max(hi, out[i * d + t]);
    }
    const f = hi > lo ? BOX / (hi - lo) : 0;
    for (let i = 0; i < n; i++) out[i * d + t] = (out[i * d + t] - lo) * f;
  }
  return out;
}

/** Component label of every vertex, by breadth-first search over the CSR graph. */
export function connectedComponents(graph: FuzzyGraph): { count: number; labels: Int32Array } {
  const n = graph.n;
  const labels = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let count = 0;
  for (let s = 0; s < n; s++) {
    if (labels[s] >= 0) continue;
    let head = 0, tail = 0;
    queue[tail++] = s;
    labels[s] = count;
    while (head < tail) {
      const i = queue[head++];
      for (let p = graph.indptr[i]; p < graph.indptr[i + 1]; p++) {
        const j = graph.indices[p];
        if (labels[j] < 0) {
          labels[j] = count;
          queue[tail++] = j;
        }
      }
    }
    count++;
  }
  return { count, labels };
}

function componentMembers(labels: Int32Array, count: number): Int32Array[] {
  const sizes = new Int32Array(count);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  const members = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(count);
  for (let i = 0; i < labels.length; i++) members[labels[i]][fill[labels[i]]++] = i;
  return members;
}

/** The induced subgraph on `members` (ascending), renumbered 0..m−1. */
function subgraph(graph: FuzzyGraph, members: Int32Array): FuzzyGraph {
  const local = new Map<number, number>();
  members.forEach((v, i) => local.set(v, i));
  const indptr = new Int32Array(members.length + 1);
  let nnz = 0;
  for (let i = 0; i < members.length; i++) {
    const v = members[i];
    nnz += graph.indptr[v + 1] - graph.indptr[v];
    indptr[i + 1] = nnz;
  }
  const indices = new Int32Array(nnz);
  const weights = new Float32Array(nnz);
  for (let i = 0, q = 0; i < members.length; i++) {
    const v = members[i];
    for (let p = graph.indptr[v]; p < graph.indptr[v + 1]; p++, q++) {
      indices[q] = local.get(graph.indices[p])!;
      weights[q] = graph.weights[p];
    }
  }
  return { n: members.length, indptr, indices, weights };
}
