/**
 * Exact k-nearest neighbours as blocked matrix products in onnxruntime, with TopK inside the
 * graphs so that only rows × candidates values come back to JavaScript; the candidates'
 * distances are recomputed in float64 from the original rows (knn-exact.ts).
 *
 * selfKnn (the fit sample among itself) compares blocks pairwise in float32. KnnIndex (new
 * rows among the fit sample) takes 3k candidates from an int8 product instead (MatMulInteger
 * on the CPU's VNNI units: 1.4× the float32 search end to end here) and proves per row,
 * from a bound on the quantisation error (knn-rows.ts), that nothing outside them can be
 * nearer than the k-th neighbour found; the few rows it cannot prove (about one in a
 * thousand of text-like data) are searched again in float32. Both give the float32 result.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel, type Graph } from '../onnx/model.js';
import { ThreadChoice } from '../kernels/thread-choice.js';
import type { Neighbors } from '../util/neighbors.js';
import type { OnStep } from '../util/progress-event.js';
import { CandidateHeaps, finishRow, type ExactContext } from './knn-exact.js';
import { columnMeans, errorBound, maxOf, Prepared, roundingErrors, squaredNorms } from './knn-rows.js';
import { takeRows } from '../util/rows.js';

export type UmapMetric = 'cosine' | 'euclidean';


export interface KnnOptions {
  k: number;
  metric: UmapMetric;
  /** onnxruntime intra-op threads; left out, chosen between one and all cores as it runs. */
  threads?: number;
  /** Counts searched rows and those the int8 bound could not settle. */
  stats?: KnnStats;
  /** selfKnn: called after each block pair, with pairs done of the total. */
  onStep?: OnStep;
}

export interface KnnStats {
  rows: number;
  fallbackRows: number;
}

/** Candidates per neighbour taken from the int8 scores. */
const CANDIDATE_FACTOR = 3;
// Caps one query-rows × reference-rows score block at 64 MiB.
const BLOCK_ELEMENTS = 1 << 24;
// Square blocks of the self-kNN.
const SELF_BLOCK = 2048;
const FLOAT = 1, INT8 = 3, INT32 = 6;

function emptyNeighbors(rows: number, k: number): Neighbors {
  return { rows, k, indices: new Int32Array(rows * k), distances: new Float32Array(rows * k) };
}

function transpose(rows: Float32Array, n: number, w: number): Float32Array {
  const t = new Float32Array(w * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) t[j * n + i] = rows[i * w + j];
  return t;
}

/** The kernels' one thread rule: `threads` if given, else chosen run by run (ThreadChoice). */
function session(graph: Graph, threads: number | undefined): Promise<ThreadChoice> {
  return ThreadChoice.create(encodeModel(graph), threads);
}

const scalar = (name: string, v: number) => ({ name, dims: [], data: new Float32Array([v]) });
const int32Scalar = (name: string, v: number) => ({ name, dims: [], data: new Int32Array([v]) });
const topK = (name: string, k: number) => ({ name, dims: [1], data: new BigInt64Array([BigInt(k)]) });
const topKNode = (input: string, score: string, index: string) => ({
  op: 'TopK',
  inputs: [input, 'k'],
  outputs: [score, index],
  attributes: { axis: 1, largest: 1, sorted: 1 },
});


/**
 * The float32 search for rows the int8 bound could not settle: their prepared rows
 * against the prepared reference in blocks (inputs, not initializers: it runs rarely, on
 * few rows), the best k float32 candidates of each, then the exact pass.
 */
async function floatSearch(
  failed: readonly number[],
  query: Prepared,
  ref: Prepared,
  dim: number,
  exact: ExactContext,
  out: Neighbors,
  self: boolean,
  threads: number | undefined,
): Promise<void> {
  const n = ref.rows.length / dim, m = failed.length;
  // With self, one more: the row itself is set aside by the exact pass.
  const kc = Math.min(n, out.k + (self ? 1 : 0));
  // Near-equal column blocks within the element budget, each with at least kc columns.
  const blocks = Math.max(1, Math.min(Math.ceil(n / Math.max(1, Math.floor(BLOCK_ELEMENTS / m))), Math.floor(n / kc)));
  const bounds = Array.from({ length: blocks + 1 }, (_, b) => Math.round((b * n) / blocks));
  const nodes: Graph['nodes'] = [{ op: 'Gemm', inputs: ['q', 'r'], outputs: ['dot'], attributes: { transB: 1 } }];
  const inputs: Graph['inputs'] = [
    { name: 'q', type: 'float32', shape: ['m', dim] },
    { name: 'r', type: 'float32', shape: ['c', dim] },
  ];
  if (ref.half) {
    inputs.push({ name: 'h', type: 'float32', shape: [1, 'c'] });
    nodes.push({ op: 'Sub', inputs: ['dot', 'h'], outputs: ['s'] });
  }
  nodes.push(topKNode(ref.half ? 's' : 'dot', 'score', 'index'));
  const search = await session(
    {
      name: 'knn-f32',
      inputs,
      outputs: [
        { name: 'score', type: 'float32', shape: ['m', kc] },
        { name: 'index', type: 'int64', shape: ['m', kc] },
      ],
      initializers: [topK('k', kc)],
      nodes,
    },
    threads,
  );
  try {
    const q = new ort.Tensor('float32', takeRows(query.rows, dim, failed), [m, dim]);
    const heaps = new CandidateHeaps(m, kc);
    for (let b = 0; b < blocks; b++) {
      const c0 = bounds[b], c = bounds[b + 1] - c0;
      const feeds: Record<string, ort.Tensor> = { q, r: new ort.Tensor('float32', ref.rows.subarray(c0 * dim, (c0 + c) * dim), [c, dim]) };
      if (ref.half) feeds.h = new ort.Tensor('float32', ref.half.subarray(c0, c0 + c), [1, c]);
      const result = await search.run(feeds, c);
      const score = result.score.data as Float32Array, index = result.index.data as BigInt64Array;
      for (let i = 0; i < m; i++) heaps.offer(i, score, index, i * kc, kc, 1, c0, -1);
    }
    const index = new Int32Array(kc), score = new Float32Array(kc);
    failed.forEach((r, i) => {
      heaps.sorted(i, score, index);
      finishRow(exact, r, index, null, 0, kc, 0, -Infinity, out, r, self ? r : -1);
    });
  } finally {
    await search.release();
  }
}

/** Searches a fixed reference set; the set is a constant initializer, quantised and packed once by onnxruntime. */
export class KnnIndex {
  private readonly rowsPerRun: number;
  private readonly exactNorms: Float64Array | null;

  private constructor(
    private readonly session: ThreadChoice,
    private readonly reference: Float32Array,
    private readonly ref: Prepared,
    private readonly refMaxErr: number,
    private readonly mean: Float64Array | null,
    private readonly refScale: number,
    private readonly dim: number,
    private readonly k: number,
    private readonly kc: number,
    private readonly metric: UmapMetric,
    private readonly threads: number | undefined,
    private readonly stats: KnnStats | undefined,
  ) {
    this.rowsPerRun = Math.max(16, Math.min(4096, Math.floor(BLOCK_ELEMENTS / (reference.length / dim))));
    this.exactNorms = squaredNorms(metric, reference, dim);
  }

  /** `reference` is n × dim row-major; it is kept by reference, not copied. */
  static async create(reference: Float32Array, dim: number, options: KnnOptions): Promise<KnnIndex> {
    const n = reference.length / dim;
    if (!Number.isInteger(n) || n < 1) throw new Error(`reference length ${reference.length} is not a multiple of ${dim}`);
    const k = Math.min(options.k, n);
    const kc = Math.min(n, CANDIDATE_FACTOR * k);
    const mean = options.metric === 'euclidean' ? columnMeans(reference, dim) : null;
    const ref = new Prepared(options.metric, reference, dim, mean);
    // |row/refScale| ≤ 127: the int8 reference is never clipped.
    const refScale = ref.maxAbs > 0 ? ref.maxAbs / 127 : 1;
    const refMaxErr = maxOf(roundingErrors(ref.rows, 0, n, dim, refScale, 0, -128, 127));

    // r is quantised to int8 inside the graph (onnxruntime folds that at load); queries are
    // quantised per run to uint8 with their own step and zero point (the fast u8 × s8 kernel).
    const nodes: Graph['nodes'] = [
      { op: 'Cast', inputs: ['zero'], outputs: ['zero8'], attributes: { to: INT8 } },
      { op: 'QuantizeLinear', inputs: ['r', 'rscale', 'zero8'], outputs: ['r8'] },
      { op: 'DynamicQuantizeLinear', inputs: ['q'], outputs: ['q8', 'qscale', 'qzero'] },
      { op: 'Cast', inputs: ['qzero'], outputs: ['qzero32'], attributes: { to: INT32 } },
      { op: 'MatMulInteger', inputs: ['q8', 'r8', 'qzero'], outputs: ['dot'] },
    ];
    const initializers: Graph['initializers'] = [
      { name: 'r', dims: [dim, n], data: transpose(ref.rows, n, dim) },
      scalar('rscale', refScale),
      int32Scalar('zero', 0),
      topK('k', kc),
    ];
    if (ref.half) {
      // Euclidean scores need the reference half norms, so they leave the integer domain.
      initializers.push({ name: 'h', dims: [1, n], data: ref.half });
      nodes.push(
        { op: 'Cast', inputs: ['dot'], outputs: ['dotf'], attributes: { to: FLOAT } },
        { op: 'Mul', inputs: ['qscale', 'rscale'], outputs: ['step'] },
        { op: 'Mul', inputs: ['dotf', 'step'], outputs: ['dots'] },
        { op: 'Sub', inputs: ['dots', 'h'], outputs: ['s'] },
      );
    }
    nodes.push(topKNode(ref.half ? 's' : 'dot', 'score', 'index'));
    const graph: Graph = {
      name: 'knn-int8',
      inputs: [{ name: 'q', type: 'float32', shape: ['b', dim] }],
      outputs: [
        { name: 'score', type: ref.half ? 'float32' : 'int32', shape: ['b', kc] },
        { name: 'index', type: 'int64', shape: ['b', kc] },
        { name: 'qscale', type: 'float32', shape: [] },
        { name: 'qzero32', type: 'int32', shape: [] },
      ],
      initializers,
      nodes,
    };
    const s = await session(graph, options.threads);
    return new KnnIndex(s, reference, ref, refMaxErr, mean, refScale, dim, k, kc, options.metric, options.threads, options.stats);
  }

  /** The k nearest reference rows of every row of `block` (rows × dim). */
  async query(block: Float32Array): Promise<Neighbors> {
    const { dim, k, kc } = this;
    const rows = block.length / dim;
    const out = emptyNeighbors(rows, k);
    const exact: ExactContext = {
      metric: this.metric,
      dim,
      query: block,
      reference: this.reference,
      queryNorms: squaredNorms(this.metric, block, dim),
      refNorms: this.exactNorms,
    };
    const q = new Prepared(this.metric, block, dim, this.mean);
    const maxNorm = Math.max(q.maxNorm, this.ref.maxNorm);
    const nothingOutside = kc === this.reference.length / dim;
    const failed: number[] = [];
    for (let start = 0; start < rows; start += this.rowsPerRun) {
      const end = Math.min(rows, start + this.rowsPerRun);
      const result = await this.session.run({ q: new ort.Tensor('float32', q.rows.subarray(start * dim, end * dim), [end - start, dim]) }, end - start);
      const qscale = (result.qscale.data as Float32Array)[0];
      const qzero = (result.qzero32.data as Int32Array)[0];
      const errors = roundingErrors(q.rows, start, end, dim, qscale, qzero, 0, 255);
      const cand = Int32Array.from(result.index.data as BigInt64Array, Number);
      const approx = Float32Array.from(result.score.data as Float32Array | Int32Array);
      const scale = this.ref.half ? 1 : qscale * this.refScale;
      for (let r = start; r < end; r++) {
        const o = (r - start) * kc;
        // Onto the common score scale: cosine similarity, or −½ distance².
        const shift = q.half ? q.half[r] : 0;
        for (let c = 0; c < kc; c++) approx[o + c] = approx[o + c] * scale - shift;
        const eps = errorBound(q.norms[r], errors[r - start], maxNorm, this.refMaxErr);
        const outside = nothingOutside ? -Infinity : approx[o + kc - 1] + eps;
        if (!finishRow(exact, r, cand, approx, o, kc, eps, outside, out, r, -1)) failed.push(r);
      }
    }
    if (failed.length > 0) await floatSearch(failed, q, this.ref, dim, exact, out, false, this.threads);
    if (this.stats) {
      this.stats.rows += rows;
      this.stats.fallbackRows += failed.length;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The k nearest neighbours of every row of `data` among its own rows, the row itself first
 * at distance 0 (as UMAP's graph construction expects). Blocks are compared pairwise once
 * each — one float32 product gives the TopK of block I's rows among J and, transposed, of
 * J's rows among I — so the work is half that of querying the set against itself. Here the
 * int8 route measured no faster: TopK in both directions, not the product, dominates.
 */
export async function selfKnn(data: Float32Array, dim: number, options: KnnOptions): Promise<Neighbors> {
  const n = data.length / dim;
  if (!Number.isInteger(n) || n < 1) throw new Error(`data length ${data.length} is not a multiple of ${dim}`);
  const k = Math.min(options.k, n);
  const metric = options.metric;
  const prep = new Prepared(metric, data, dim, metric === 'euclidean' ? columnMeans(data, dim) : null);

  // Near-equal blocks, each at least 2k rows when n allows, so TopK always has k columns.
  const blockCount = Math.ceil(n / Math.max(SELF_BLOCK, 2 * k));
  const bounds = Array.from({ length: blockCount + 1 }, (_, b) => Math.round((b * n) / blockCount));
  const pairK = Math.min(k, bounds[1] - bounds[0], n - bounds[blockCount - 1]);

  const nodes: Graph['nodes'] = [{ op: 'Gemm', inputs: ['a', 'b'], outputs: ['dot'], attributes: { transB: 1 } }];
  const inputs: Graph['inputs'] = [
    { name: 'a', type: 'float32', shape: ['p', dim] },
    { name: 'b', type: 'float32', shape: ['q', dim] },
  ];
  if (prep.half) {
    inputs.push({ name: 'ha', type: 'float32', shape: ['p', 1] }, { name: 'hb', type: 'float32', shape: [1, 'q'] });
    nodes.push({ op: 'Sub', inputs: ['dot', 'ha'], outputs: ['sa'] }, { op: 'Sub', inputs: ['sa', 'hb'], outputs: ['s'] });
  }
  const ranked = prep.half ? 's' : 'dot';
  nodes.push(
    topKNode(ranked, 'rowScore', 'rowIndex'),
    { op: 'Transpose', inputs: [ranked], outputs: ['rankedT'], attributes: { perm: [1, 0] } },
    topKNode('rankedT', 'colScore', 'colIndex'),
  );
  const pairs = await session(
    {
      name: 'self-knn',
      inputs,
      outputs: [
        { name: 'rowScore', type: 'float32', shape: ['p', pairK] },
        { name: 'rowIndex', type: 'int64', shape: ['p', pairK] },
        { name: 'colScore', type: 'float32', shape: ['q', pairK] },
        { name: 'colIndex', type: 'int64', shape: ['q', pairK] },
      ],
      initializers: [topK('k', pairK)],
      nodes,
    },
    options.threads,
  );

  // The best k non-self candidates per row (k: one more than needed besides the row itself).
  const heaps = new CandidateHeaps(n, k);
  try {
    const rowsOf = (b: number) => prep.rows.subarray(bounds[b] * dim, bounds[b + 1] * dim);
    for (let bj = 0; bj < blockCount; bj++) {
      const q = bounds[bj + 1] - bounds[bj];
      const feeds: Record<string, ort.Tensor> = { b: new ort.Tensor('float32', rowsOf(bj), [q, dim]) };
      if (prep.half) feeds.hb = new ort.Tensor('float32', prep.half.subarray(bounds[bj], bounds[bj + 1]), [1, q]);
      for (let bi = 0; bi <= bj; bi++) {
        options.onStep?.((bj * (bj + 1)) / 2 + bi, (blockCount * (blockCount + 1)) / 2);
        const p = bounds[bi + 1] - bounds[bi];
        feeds.a = new ort.Tensor('float32', rowsOf(bi), [p, dim]);
        if (prep.half) feeds.ha = new ort.Tensor('float32', prep.half.subarray(bounds[bi], bounds[bi + 1]), [p, 1]);
        const out = await pairs.run(feeds, p * q);
        const rowScore = out.rowScore.data as Float32Array, rowIndex = out.rowIndex.data as BigInt64Array;
        for (let r = 0; r < p; r++) heaps.offer(bounds[bi] + r, rowScore, rowIndex, r * pairK, pairK, 1, bounds[bj], bounds[bi] + r);
        if (bi === bj) continue;
        const colScore = out.colScore.data as Float32Array, colIndex = out.colIndex.data as BigInt64Array;
        for (let r = 0; r < q; r++) heaps.offer(bounds[bj] + r, colScore, colIndex, r * pairK, pairK, 1, bounds[bi], bounds[bj] + r);
      }
    }
    options.onStep?.((blockCount * (blockCount + 1)) / 2, (blockCount * (blockCount + 1)) / 2);
  } finally {
    await pairs.release();
  }

  const out = emptyNeighbors(n, k);
  const norms = squaredNorms(metric, data, dim);
  const exact: ExactContext = { metric, dim, query: data, reference: data, queryNorms: norms, refNorms: norms };
  const score = new Float32Array(k), index = new Int32Array(k);
  for (let r = 0; r < n; r++) {
    heaps.sorted(r, score, index);
    finishRow(exact, r, index, null, 0, k, 0, -Infinity, out, r, r);
  }
  if (options.stats) options.stats.rows += n;
  return out;
}
