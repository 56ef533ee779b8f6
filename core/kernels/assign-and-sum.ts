/**
 * One Lloyd pass on onnxruntime: each block of rows is assigned to its nearest centroid
 * (argmin of ‖c‖² − 2 x·c, one Gemm) and then summed per cluster with
 * ScatterND(reduction = add). Summing in a graph matters: a JS loop over the block (O(b·d))
 * cost about 60% of the assignment itself at k = 100, the ScatterND under 10%. No per-row
 * distance is produced: the caller derives the inertia from the sums (see fitKMeans), which
 * saves the ReduceMin and ‖x‖² passes (measured ~20% of the pass at k = 100). Block sums come
 * back as float32 and are accumulated here in double.
 *
 * The ScatterND runs in its own single-threaded session: onnxruntime's CPU ScatterND splits
 * the rows across its thread pool and adds into shared output rows without synchronisation,
 * which made sums (and so whole fits) differ from run to run with 2 threads. The split costs
 * 1–3% at 1 thread (one more session.run per block).
 *
 * From SUM_IN_JS_FROM_K clusters on, the sums are added in JS instead (see there).
 *
 * Centroids are graph inputs because they change every iteration; baking them in and
 * rebuilding the session each iteration measured within ±5% (CPU time, 1 thread).
 */
import { Tensor } from 'onnxruntime-node';
import type { ThreadChoice } from './thread-choice.js';
import type { ValueInfo } from '../onnx/model.js';
import { createKernelSession, rowSquaredNorms, scoreBlockRows, type KernelOptions } from './session.js';

/**
 * k from which the per-cluster sums are added in JS, row by row into the double sums, instead of
 * by ScatterND: ScatterND returns a dense k × d block per run, so its cost grows with k while the
 * rows' own cost does not. CPU time of a Lloyd pass, 1 thread, d = 384, ScatterND → JS:
 * k = 300 0.15 → 0.16 s (40k rows), k = 1,000 0.48 → 0.40 s (40k rows), k = 2,000 0.49–0.56 →
 * 0.42–0.43 s (20k rows), k = 20,000 6.7–7.1 → 3.7–3.8 s (20k rows, 1.09× NearestCentroid's
 * assignment alone, against 2.0× before); at k = 100 ScatterND stays ahead (0.19–0.21 against
 * 0.22–0.25 s, 100k rows).
 */
export const SUM_IN_JS_FROM_K = 500;

export interface ClusterSums {
  /** Σ x over the rows of each cluster, k × d. */
  sums: Float64Array;
  /** Rows per cluster. */
  counts: Float64Array;
}

export class AssignAndSum {
  private readonly centroidNorms: Float32Array;

  private constructor(
    private readonly assignSession: ThreadChoice,
    /** Left out from SUM_IN_JS_FROM_K on. */
    private readonly sumSession: ThreadChoice | undefined,
    readonly k: number,
    readonly d: number,
    readonly blockRows: number,
  ) {
    this.centroidNorms = new Float32Array(k);
  }

  static async create(k: number, d: number, options: KernelOptions = {}): Promise<AssignAndSum> {
    const rows: ValueInfo = { name: 'x', type: 'float32', shape: ['b', d] };
    const labels64: ValueInfo = { name: 'label64', type: 'int64', shape: ['b', 1] };
    const assignSession = await createKernelSession(
      {
        name: 'assign',
        inputs: [rows, { name: 'c', type: 'float32', shape: [k, d] }, { name: 'cn', type: 'float32', shape: [k] }],
        outputs: [{ name: 'labels', type: 'int32', shape: ['b', 1] }, labels64],
        initializers: [{ name: 'one', dims: [1], data: BigInt64Array.of(1n) }],
        nodes: [
          { op: 'Gemm', inputs: ['x', 'c', 'cn'], outputs: ['score'], attributes: { alpha: { float: -2 }, transB: 1 } },
          // TopK(k = 1) over the scores: ArgMin's column in one pass that measured faster than
          // ArgMin itself (0.95× its CPU time, 131k × 384, k = 1,000).
          { op: 'TopK', inputs: ['score', 'one'], outputs: ['best', 'label64'], attributes: { largest: 0, sorted: 1 } },
          { op: 'Cast', inputs: ['label64'], outputs: ['labels'], attributes: { to: 6 } },
        ],
      },
      options.threads,
    );
    const sumSession = k >= SUM_IN_JS_FROM_K ? undefined : await createKernelSession(
      {
        name: 'sum_per_cluster',
        inputs: [rows, labels64],
        outputs: [{ name: 'sums', type: 'float32', shape: [k, d] }],
        initializers: [{ name: 'zeros', dims: [k, d], data: new Float32Array(k * d) }],
        nodes: [{ op: 'ScatterND', inputs: ['zeros', 'label64', 'x'], outputs: ['sums'], attributes: { reduction: 'add' } }],
      },
      1,
    );
    return new AssignAndSum(assignSession, sumSession, k, d, scoreBlockRows(k, options));
  }

  /** Assigns the n rows of x to `centroids`, writing labels, and overwrites `acc` with the
   * per-cluster sums and counts of that assignment. */
  async run(x: Float32Array, n: number, centroids: Float32Array, labels: Int32Array, acc: ClusterSums): Promise<void> {
    const { k, d } = this;
    rowSquaredNorms(centroids, k, d, this.centroidNorms);
    const c = new Tensor('float32', centroids, [k, d]);
    const cn = new Tensor('float32', this.centroidNorms, [k]);
    const { sums, counts } = acc;
    sums.fill(0);
    counts.fill(0);
    for (let start = 0; start < n; start += this.blockRows) {
      const b = Math.min(this.blockRows, n - start);
      const block = new Tensor('float32', x.subarray(start * d, (start + b) * d), [b, d]);
      const assigned = await this.assignSession.run({ x: block, c, cn }, b);
      const blockLabels = assigned.labels.data as Int32Array;
      labels.set(blockLabels, start);
      for (let i = 0; i < b; i++) counts[blockLabels[i]]++;
      if (!this.sumSession) {
        for (let i = 0, o = start * d; i < b; i++, o += d) {
          const to = blockLabels[i] * d;
          for (let j = 0; j < d; j++) sums[to + j] += x[o + j];
        }
        continue;
      }
      const blockSums = (await this.sumSession.run({ x: block, label64: assigned.label64 })).sums.data as Float32Array;
      for (let j = 0; j < k * d; j++) sums[j] += blockSums[j];
    }
  }

  async close(): Promise<void> {
    await this.assignSession.release();
    await this.sumSession?.release();
  }
}
