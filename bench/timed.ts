/** Wall and process-CPU time of one call, for benchmarks on a shared host. */
export interface Timing {
  seconds: number;
  /** Process CPU seconds: steadier than wall clock when neighbours share the cores. */
  cpu: number;
}

export async function timed<T>(f: () => Promise<T>): Promise<[T, Timing]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await f();
  const c = process.cpuUsage(c0);
  return [value, { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }];
}
