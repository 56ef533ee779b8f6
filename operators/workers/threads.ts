/**
 * The one thread-count rule. `--threads T` (the `threads` setting), when given, means the same
 * everywhere: every onnxruntime session gets T intra-op threads, and work that runs several
 * sessions at once (infer's worker pool, dedup's clusters in flight) runs at most cores / T of
 * them (at least one), so sessions × T ≤ cores. Left out, each kind of work takes its default:
 *
 * - a session that works alone in a serial loop (the built-in and Model2Vec embedders, a dedup
 *   cluster, UMAP transform inside an infer worker): 1 thread (sessionThreads). The static
 *   embedders are a Gather and a mean: too little work per op to pay a thread-pool round trip.
 * - a clustering kernel: no count, so core/kernels/thread-choice.ts times 1 thread against
 *   onnxruntime's default as it runs (on the shared 2-core host at load 4–5 two threads lost:
 *   HDBSCAN fit 4.20 s against 3.35 s on one; on an idle host two win). Kernels take the setting
 *   as is; nothing here decides for them.
 * - an ONNX-folder transformer: onnxruntime's default, one per physical core (sessionOptions of
 *   undefined; the embedder runs on its own, so nothing else needs the cores).
 * - a worker pool (infer): one worker per job up to the cores, the spare cores shared out as
 *   onnxruntime threads when there are fewer jobs than cores (workerPool).
 * - infer's describe tail (keywords, representatives; no onnxruntime): with cores / T of at least
 *   2, keywords count on that many worker threads (at most 4) while the main thread finds the
 *   representatives; else both run in turn on the main thread (keywordWorkers).
 * - sessions in flight (dedup): one per core, at most 4, each on 1 thread (concurrentSessions).
 *   Two sessions measured 0.30× numpy's wall time against one session's 0.37× (docs/curate.md);
 *   every cluster in flight holds its rows and its block × size scores, so the count is capped.
 *
 * An infer shard is the exception the scheduler needs: its T is its share of a machine that other
 * shards share, T cores in all (shardCores, docs/shards.md), split like a pool.
 *
 * Thread counts change speed only, never results (docs/performance.md, "Threads that help").
 */
import { availableParallelism } from 'node:os';

/** The cores this process may use (Node's count: CPU affinity and cgroup limits included). */
export function machineCores(): number {
  return availableParallelism();
}

/** Intra-op threads of one session that runs alone in a serial loop: T, or 1. */
export function sessionThreads(threads: number | undefined): number {
  return threads ?? 1;
}

/** How many worker threads a pool starts and the onnxruntime threads each one's session gets. */
export interface PoolPlan {
  workers: number;
  threads: number;
}

/**
 * A pool for `jobs` jobs on `cores` cores. T given: T threads each, at most cores / T workers.
 * Left out: one worker per job up to the cores, each with an equal share of the cores.
 */
export function workerPool(jobs: number, threads: number | undefined, cores: number = machineCores()): PoolPlan {
  if (threads !== undefined) return { workers: Math.max(1, Math.min(jobs, Math.floor(cores / threads))), threads };
  const workers = Math.max(1, Math.min(jobs, cores));
  return { workers, threads: Math.max(1, Math.floor(cores / workers)) };
}

/** The cores an infer shard may use: its T, or (left out) the whole machine. */
export function shardCores(threads: number | undefined, cores: number = machineCores()): number {
  return threads ?? cores;
}

/** Most sessions in flight at once when each holds a cluster's rows (dedup). */
const MAX_SESSIONS = 4;

/** Sessions to run at once, each on `threads` (sessionThreads) threads: cores / T, at most 4. */
export function concurrentSessions(threads: number | undefined, cores: number = machineCores()): number {
  return Math.max(1, Math.min(MAX_SESSIONS, Math.floor(cores / sessionThreads(threads))));
}

/**
 * Worker threads for infer's keywords beside its representatives on the main thread: cores / T
 * (T left out, 1) up to 4, or 0 (keywords on the main thread, in turn) when that is under 2. At
 * 1M rows, on 2 cores, keywords took 14.4 s and representatives 4.9 s one after the other
 * (docs/performance.md).
 */
export function keywordWorkers(threads: number | undefined, cores: number = machineCores()): number {
  const n = Math.min(MAX_SESSIONS, Math.floor(cores / sessionThreads(threads)));
  return n >= 2 ? n : 0;
}
