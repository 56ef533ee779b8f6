/**
 * Exact k-nearest neighbours as blocked matrix products in onnxruntime, with TopK inside
 * the graph so that only rows × k candidates come back to JavaScript.
 *
 * Rows are prepared so that one product ranks candidates for either metric: cosine uses
 * unit rows (q̂·x̂ is the similarity); euclidean uses centred rows u augmented as
 * [u, −‖u‖²/2, 1] against [u, 1, −‖u‖²/2], whose product is −‖u_i − u_j‖²/2 — symmetric, so
 * one product serves both blocks of a pair, and no broadcast pass is needed.
 *
 * The chosen candidates' distances are then recomputed in float64 from the original rows
 * and re-sorted: float32 GEMM rounding must not turn duplicates into near-duplicates,
 * because the fuzzy graph and the transform treat distance 0 specially.
 */
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../onnx/model.js';

export type UmapMetric = 'cosine' | 'euclidean';

/** Row-major rows × k neighbour lists, nearest first. */
export interface Neighbors {
  rows: number;
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

export interface KnnOptions {
  k: number;
  metric: UmapMetric;
  /** onnxruntime intra-op threads. */
  threads?: number;
}

// Caps the query-rows × reference-rows similarity block of one run at 32 MiB of float32.
const BLOCK_ELEMENTS = 1 << 23;
// Square blocks of the self-kNN; two such products (and a transpose) live at once.
const SELF_BLOCK = 2048;

/** How a set of rows enters the products; see the file comment. */
class RowForm {
  readonly width: number;
  private readonly mean: Float64Array | null;

  constructor(
    private readonly metric: UmapMetric,
    private readonly dim: number,
    reference: Float32Array,
  ) {
    this.width = metric === 'cosine' ? dim : dim + 2;
    this.mean = metric === 'euclidean' ? columnMeans(reference, dim) : null;
  }

  /** Rows [start, end) of `x` in row (`asColumn` false) or column form, row-major. */
  rows(x: Float32Array, start: number, end: number, asColumn: boolean): Float32Array {
    const dim = this.dim, w = this.width;
    const out = new Float32Array((end - start) * w);
    for (let r = start; r < end; r++) {
      const src = r * dim, dst = (r - start) * w;
      let ss = 0;
      for (let j = 0; j < dim; j++) {
        const v = this.mean ? x[src + j] - this.mean[j] : x[src + j];
        out[dst + j] = v;
        ss += v * v;
      }
      if (this.metric === 'cosine') {
        const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
        for (let j = 0; j < dim; j++) out[dst + j] *= inv;
      } else {
        out[dst + dim] = asColumn ? 1 : -ss / 2;
        out[dst + dim + 1] = asColumn ? -ss / 2 : 1;
      }
    }
    return out;
  }
}

/**
 * Writes row `row` of `out` from candidate indices `cand[from .. from + count)`: exact
 * float64 distances, ascending. `refNorms` holds the reference rows' squared norms (cosine
 * only). With `self` ≥ 0 that index is put first at distance 0 and skipped among the
 * candidates; if it was missing (more than k duplicates) the farthest candidate is the one
 * dropped.
 */
function finishRow(
  metric: UmapMetric,
  query: Float32Array,
  queryRow: number,
  reference: Float32Array,
  refNorms: Float64Array | null,
  dim: number,
  cand: Int32Array,
  from: number,
  count: number,
  out: Neighbors,
  row: number,
  self: number,
): void {
  const k = out.k, base = row * k, idx = out.indices, dist = out.distances;
  const fixed = self >= 0 ? 1 : 0;
  if (fixed) {
    idx[base] = self;
    dist[base] = 0;
  }
  const qo = queryRow * dim;
  let qq = 0;
  if (refNorms) for (let t = 0; t < dim; t++) qq += query[qo + t] * query[qo + t];

  let filled = fixed;
  for (let c = 0; c < count && filled < k; c++) {
    const j = cand[from + c];
    if (j === self) continue;
    const ro = j * dim;
    let d: number;
    if (refNorms) {
      let dot = 0;
      for (let t = 0; t < dim; t++) dot += query[qo + t] * reference[ro + t];
      const rr = refNorms[j];
      d = qq === 0 && rr === 0 ? 0 : qq === 0 || rr === 0 ? 1 : Math.max(0, 1 - dot / Math.sqrt(qq * rr));
    } else {
      let ss = 0;
      for (let t = 0; t < dim; t++) {
        const diff = query[qo + t] - reference[ro + t];
        ss += diff * diff;
      }
      d = Math.sqrt(ss);
    }
    let p = base + filled;
    while (p > base + fixed && dist[p - 1] > d) {
      dist[p] = dist[p - 1];
      idx[p] = idx[p - 1];
      p--;
    }
    dist[p] = d;
    idx[p] = j;
    filled++;
  }
}

/** Squared norm of every row in float64 (cosine distances); null for euclidean. */
function normsFor(metric: UmapMetric, x: Float32Array, dim: number): Float64Array | null {
  if (metric !== 'cosine') return null;
  const n = x.length / dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = 0, o = i * dim; j < dim; j++) ss += x[o + j] * x[o + j];
    out[i] = ss;
  }
  return out;
}

function emptyNeighbors(rows: number, k: number): Neighbors {
  return { rows, k, indices: new Int32Array(rows * k), distances: new Float32Array(rows * k) };
}

function columnMeans(x: Float32Array, dim: number): Float64Array {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0, o = i * dim; j < dim; j++) mean[j] += x[o + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  return mean;
}

function sessionOptions(threads: number | undefined): ort.InferenceSession.SessionOptions {
  return { intraOpNumThreads: threads ?? 1, interOpNumThreads: 1, executionMode: 'sequential' };
}

/** Searches a fixed reference set; the set is a constant initializer, packed once by onnxruntime. */
export class KnnIndex {
  private readonly rowsPerRun: number;
  private readonly refNorms: Float64Array | null;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly form: RowForm,
    private readonly reference: Float32Array,
    private readonly dim: number,
    private readonly k: number,
    private readonly metric: UmapMetric,
  ) {
    this.rowsPerRun = Math.max(16, Math.min(4096, Math.floor(BLOCK_ELEMENTS / (reference.length / dim))));
    this.refNorms = normsFor(metric, reference, dim);
  }

  /** `reference` is n × dim row-major; it is kept by reference, not copied. */
  static async create(reference: Float32Array, dim: number, options: KnnOptions): Promise<KnnIndex> {
    const n = reference.length / dim;
    if (!Number.isInteger(n) || n < 1) throw new Error(`reference length ${reference.length} is not a multiple of ${dim}`);
    const k = Math.min(options.k, n);
    const form = new RowForm(options.metric, dim, reference);
    const w = form.width;
    const columns = form.rows(reference, 0, n, true);
    const transposed = new Float32Array(w * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) transposed[j * n + i] = columns[i * w + j];
    const bytes = encodeModel({
      name: 'knn',
      inputs: [{ name: 'q', type: 'float32', shape: ['b', w] }],
      outputs: [
        { name: 'score', type: 'float32', shape: ['b', k] },
        { name: 'index', type: 'int64', shape: ['b', k] },
      ],
      initializers: [
        { name: 'r', dims: [w, n], data: transposed },
        { name: 'k', dims: [1], data: new BigInt64Array([BigInt(k)]) },
      ],
      nodes: [
        { op: 'MatMul', inputs: ['q', 'r'], outputs: ['s'] },
        { op: 'TopK', inputs: ['s', 'k'], outputs: ['score', 'index'], attributes: { axis: 1, largest: 1, sorted: 1 } },
      ],
    });
    const session = await ort.InferenceSession.create(bytes, sessionOptions(options.threads));
    return new KnnIndex(session, form, reference, dim, k, options.metric);
  }

  /** The k nearest reference rows of every row of `block` (rows × dim). */
  async query(block: Float32Array): Promise<Neighbors> {
    const rows = block.length / this.dim, k = this.k;
    const out = emptyNeighbors(rows, k);
    for (let start = 0; start < rows; start += this.rowsPerRun) {
      const end = Math.min(rows, start + this.rowsPerRun);
      const q = this.form.rows(block, start, end, false);
      const result = await this.session.run({ q: new ort.Tensor('float32', q, [end - start, this.form.width]) });
      const cand = Int32Array.from(result.index.data as BigInt64Array, Number);
      for (let r = start; r < end; r++) {
        finishRow(this.metric, block, r, this.reference, this.refNorms, this.dim, cand, (r - start) * k, k, out, r, -1);
      }
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
 * each — one product gives the TopK of block I's rows among J and, transposed, of J's
 * rows among I — so the work is half that of querying the set against itself.
 */
export async function selfKnn(data: Float32Array, dim: number, options: KnnOptions): Promise<Neighbors> {
  const n = data.length / dim;
  if (!Number.isInteger(n) || n < 1) throw new Error(`data length ${data.length} is not a multiple of ${dim}`);
  const k = Math.min(options.k, n);
  const form = new RowForm(options.metric, dim, data);
  const w = form.width;

  // Near-equal blocks, each at least k rows when n allows, so TopK always has k columns.
  const blockCount = Math.ceil(n / Math.max(SELF_BLOCK, 2 * k));
  const bounds = Array.from({ length: blockCount + 1 }, (_, b) => Math.round((b * n) / blockCount));
  const pairK = Math.min(k, bounds[1] - bounds[0], n - bounds[blockCount - 1]);

  const bytes = encodeModel({
    name: 'self-knn',
    inputs: [
      { name: 'a', type: 'float32', shape: ['p', w] },
      { name: 'b', type: 'float32', shape: ['q', w] },
    ],
    outputs: [
      { name: 'rowIndex', type: 'int64', shape: ['p', pairK] },
      { name: 'rowScore', type: 'float32', shape: ['p', pairK] },
      { name: 'colIndex', type: 'int64', shape: ['q', pairK] },
      { name: 'colScore', type: 'float32', shape: ['q', pairK] },
    ],
    initializers: [{ name: 'k', dims: [1], data: new BigInt64Array([BigInt(pairK)]) }],
    nodes: [
      { op: 'Gemm', inputs: ['a', 'b'], outputs: ['s'], attributes: { transB: 1 } },
      { op: 'TopK', inputs: ['s', 'k'], outputs: ['rowScore', 'rowIndex'], attributes: { axis: 1, largest: 1, sorted: 1 } },
      { op: 'Transpose', inputs: ['s'], outputs: ['st'], attributes: { perm: [1, 0] } },
      { op: 'TopK', inputs: ['st', 'k'], outputs: ['colScore', 'colIndex'], attributes: { axis: 1, largest: 1, sorted: 1 } },
    ],
  });
  const session = await ort.InferenceSession.create(bytes, sessionOptions(options.threads));

  // Running best k non-self candidates per row by GEMM score, descending.
  const bestScore = new Float32Array(n * k).fill(-Infinity);
  const bestIndex = new Int32Array(n * k).fill(-1);
  const merge = (row: number, score: Float32Array, index: BigInt64Array, at: number, offset: number): void => {
    const base = row * k;
    for (let c = 0; c < pairK; c++) {
      const s = score[at + c];
      if (!(s > bestScore[base + k - 1])) break; // candidates arrive sorted
      const j = Number(index[at + c]) + offset;
      if (j === row) continue;
      let p = base + k - 1;
      while (p > base && bestScore[p - 1] < s) {
        bestScore[p] = bestScore[p - 1];
        bestIndex[p] = bestIndex[p - 1];
        p--;
      }
      bestScore[p] = s;
      bestIndex[p] = j;
    }
  };

  try {
    const rowForms = Array.from({ length: blockCount }, (_, b) => form.rows(data, bounds[b], bounds[b + 1], false));
    for (let bj = 0; bj < blockCount; bj++) {
      const colForm = form.rows(data, bounds[bj], bounds[bj + 1], true);
      const q = bounds[bj + 1] - bounds[bj];
      const b = new ort.Tensor('float32', colForm, [q, w]);
      for (let bi = 0; bi <= bj; bi++) {
        const p = bounds[bi + 1] - bounds[bi];
        const out = await session.run({ a: new ort.Tensor('float32', rowForms[bi], [p, w]), b });
        const rowScore = out.rowScore.data as Float32Array, rowIndex = out.rowIndex.data as BigInt64Array;
        for (let r = 0; r < p; r++) merge(bounds[bi] + r, rowScore, rowIndex, r * pairK, bounds[bj]);
        if (bi === bj) continue;
        const colScore = out.colScore.data as Float32Array, colIndex = out.colIndex.data as BigInt64Array;
        for (let r = 0; r < q; r++) merge(bounds[bj] + r, colScore, colIndex, r * pairK, bounds[bi]);
      }
    }
  } finally {
    await session.release();
  }

  const out = emptyNeighbors(n, k);
  const norms = normsFor(options.metric, data, dim);
  for (let r = 0; r < n; r++) finishRow(options.metric, data, r, data, norms, dim, bestIndex, r * k, k, out, r, r);
  return out;
}
