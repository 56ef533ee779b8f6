/**
 * Runs jobs on a pool of worker threads that all serve one method (worker-rpc.ts), each
 * worker taking the next job when it finishes one, so only small results cross threads.
 * The first failure stops the pool and is thrown with the worker's stack.
 */
import { WorkerClient } from './worker-rpc.js';

export async function runPool<J, R>(url: URL, data: unknown, workers: number, method: string, jobs: readonly J[], onResult: (r: R, job: J) => void): Promise<void> {
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new WorkerClient<Record<string, (j: J) => R>>(url, data));
  let next = 0;
  try {
    await Promise.all(
      pool.map(async (w) => {
        await w.ready;
        while (next < jobs.length) {
          const job = jobs[next++];
          onResult((await w.call(method, job)) as R, job);
        }
      }),
    );
    await Promise.all(pool.map((w) => w.close()));
  } catch (e) {
    await Promise.all(pool.map((w) => w.terminate()));
    throw e;
  }
}
