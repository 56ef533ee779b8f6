/**
 * Shared plumbing for the distance kernels: an onnxruntime session over a graph built in
 * code, and the block size the kernels stream rows through.
 */
import { availableParallelism } from 'node:os';
import { encodeModel, type Graph } from '../onnx/model.js';
import { ThreadChoice } from './thread-choice.js';

export interface KernelOptions {
  /** onnxruntime intra-op threads; left out, the kernel chooses between one and one per core
   * as it runs (see ThreadChoice). */
  threads?: number;
  /** Rows per session.run; left out, each kernel picks its measured default. */
  blockRows?: number;
}

export function createKernelSession(graph: Graph, threads?: number): Promise<ThreadChoice> {
  return ThreadChoice.create(encodeModel(graph), threads);
}

/** options.blockRows, validated, or `fallback`. */
export function resolveBlockRows(options: KernelOptions, fallback: number): number {
  const rows = options.blockRows ?? fallback;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`blockRows must be a positive integer, got ${rows}`);
  return rows;
}

/**
 * Rows per run for a kernel that scores every row against k centroids. Small blocks keep the
 * block and its b × k scores in cache between the Gemm, ArgMin and ScatterND. Measured (CPU
 * time, 1 thread, d = 384, busy 2-core host): 1,024 rows beat 2,048–16,384 by 5–20% at
 * k = 10, 100 and 1,000; at k = 4,000, 512 rows did best, and at k = 20,000 NearestCentroid took
 * 1.59–1.60 s for 10k rows in blocks of 512 against 1.67–1.73 s in blocks of 256 (1.07× the
 * fastest bare MatMul of the same rows, 1.49 s at 256), so blocks never go below 512 rows per
 * thread. With several threads each op of a run is a thread-pool round trip, so the block
 * grows with the cores to keep ~1,024 rows per core per run (on the busy 2-core host 2 threads were slower than 1 at every block
 * size tried, so this part is not measured on an idle machine).
 *
 * The block follows the machine's cores, never `options.threads`: k-means sums its centres
 * block by block, so the block size decides the float32 rounding, and a block that followed the
 * thread setting made --threads 1 and --threads 2 give centroids that differ in the last bit
 * (679 of 800 values, 20k × 32, k = 50). The thread count now changes speed only. At 1 thread a
 * 2,048-row block against 1,024 measured 0.95× the time (50k × 384, k = 100, busy 2-core host:
 * within noise).
 */
export function scoreBlockRows(k: number, options: KernelOptions = {}): number {
  const perThread = Math.min(1024, Math.max(512, Math.floor((1 << 21) / Math.max(1, k))));
  return resolveBlockRows(options, perThread * availableParallelism());
}

/** ‖c_j‖² for each row of a row-major matrix, accumulated in double. */
export function rowSquaredNorms(m: Float32Array, rows: number, d: number, out: Float32Array = new Float32Array(rows)): Float32Array {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * d;
    for (let j = 0; j < d; j++) s += m[o + j] * m[o + j];
    out[i] = s;
  }
  return out;
}
