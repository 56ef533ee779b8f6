/**
 * The onnxruntime session options every CPU session of the project starts from, so that one
 * rule sets threads and spinning everywhere (kernels, kNN, embedders, benches).
 *
 * Spinning is off: onnxruntime's intra-op workers otherwise busy-wait after each parallel
 * section, and on a 2-core host they took the core that the JS thread, the single-threaded
 * ScatterND session or a neighbour's process needed next. Measured on the shared 2-core host
 * (load 4–5, same process, threads 1 / 2): the k-means Lloyd fit burned 2.85 s CPU with spinning
 * against 1.51 s without (1 thread: 1.5 s); the HDBSCAN fit took 6.2 s wall with spinning, 4.2 s
 * without; MiniLM-shaped fp32 embedding 42 → 96 sentences/s (docs/performance.md).
 */
import type { InferenceSession } from 'onnxruntime-node';

/** `threads` intra-op threads; left out, onnxruntime's own count (one per physical core). */
export function sessionOptions(threads?: number): InferenceSession.SessionOptions {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return {
    intraOpNumThreads: threads ?? 0,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}
