/**
 * Runs jobs on a pool of worker threads that all serve one method (worker-rpc.ts), each
 * worker taking the next job when it finishes one, so only small results cross threads.
 * The first failure stops the handing out of jobs; the jobs already running finish, every
 * worker is closed, and the failure is thrown with the worker's stack. Workers are closed,
 * not terminated: ending a thread inside onnxruntime aborted the process (SIGABRT, seen when
 * one infer worker hit a full disk while the others were labelling).
 */
import { WorkerClient } from './worker-rpc.js';

export async function runPool<J, R>(url: URL, data: unknown, workers: number, method: string, jobs: readonly J[], onResult: (r: R, job: J) => void): Promise<void> {
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new WorkerClient<Record<string, (j: J) => R>>(url, data));
  let next = 0;
  let failure: { error: unknown } | undefined;
  await Promise.all(
    pool.map(async (w) => {
      try {
        await w.ready;
        while (!failure && next < jobs.length) {
          const job = jobs[next++];
          onResult((await w.call(method, job)) as R, job);
        }
      } catch (error) {
        failure ??= { error };
      }
    }),
  );
  await Promise.allSettled(pool.map((w) => w.close()));
  if (failure) throw failure.error;
}
