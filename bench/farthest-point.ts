/**
 * Diverse sampling of 1,000 picks within one synthetic 200k-row × 384 cluster: time and peak RSS,
 * against numpy (Debian /usr/bin/python3) running the same O(n)-memory traversal with OpenBLAS
 * gemv on its own data of the same shape and distribution, in the same run, with one BLAS thread
 * and with its default threads. The traversal here is one thread in both settings: each pick
 * depends on the last, and one pass already streams the rows at memory speed. A full n × n
 * distance matrix, as a pairwise-distance implementation builds, is printed for scale: the RSS
 * shows none is built. Without numpy (apt-get install -y python3-numpy) only semclust's
 * figures are printed.
 *
 * Usage: node dist/bench/farthest-point.js [rows=200000] [dim=384] [picks=1000]
 * The traversal runs in a worker so the main thread can sample process RSS while it runs.
 */
import { spawnSync } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { farthestPointOrder } from '../core/sample/farthest-point.js';
import { createRng } from '../core/util/random.js';
import { peerBlas } from './peer-blas.js';

interface Job { n: number; d: number; picks: number }

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** A unit-norm cluster: one random direction plus isotropic noise, rows L2-normalised. */
function syntheticCluster(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centre = Float32Array.from({ length: d }, () => rng.gaussian() / Math.sqrt(d));
  const x = new Float32Array(n * d);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const v = centre[j] + (0.6 * rng.gaussian()) / Math.sqrt(d);
      x[o + j] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < d; j++) x[o + j] *= inv;
  }
  return x;
}

function runWorker(): void {
  const { n, d, picks } = workerData as Job;
  const x = syntheticCluster(n, d, 1);
  parentPort!.postMessage({ phase: 'data' });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const order = farthestPointOrder(x, n, d, picks);
  const c = process.cpuUsage(c0);
  parentPort!.postMessage({
    phase: 'done',
    seconds: (performance.now() - t0) / 1000,
    cpu: (c.user + c.system) / 1e6,
    picked: order.length,
    distinct: new Set(order).size,
  });
}

const PEER = `
import sys, time, resource, numpy as np
n, d, picks = map(int, sys.argv[1:4])
rng = np.random.default_rng(1)
centre = rng.standard_normal(d, dtype=np.float32) / np.sqrt(d)
x = centre + 0.6 * rng.standard_normal((n, d), dtype=np.float32) / np.sqrt(d)
x /= np.linalg.norm(x, axis=1, keepdims=True)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0, c0 = time.perf_counter(), time.process_time()
sq = np.einsum('ij,ij->i', x, x)
c = x.mean(axis=0)
first = int(np.argmin(sq - 2 * (x @ c)))
mind = np.full(n, np.inf, dtype=np.float32)
order = [first]
for _ in range(picks - 1):
    p = order[-1]
    np.minimum(mind, sq - 2 * (x @ x[p]) + sq[p], out=mind)
    mind[order] = -1
    order.append(int(np.argmax(mind)))
print(time.perf_counter() - t0, time.process_time() - c0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, base * 1024, len(set(order)))
`;

async function main(): Promise<void> {
  const [n, d, picks] = [200_000, 384, 1000].map((v, i) => Number(process.argv[2 + i] ?? v));
  console.log(`farthest-point traversal: ${n} rows × ${d}, ${picks} picks; input ${mib(n * d * 4)}`);
  console.log(`an n × n float64 distance matrix would be ${(n * n * 8 / 1e9).toFixed(0)} GB`);

  const rssBefore = process.memoryUsage().rss;
  let rssData = 0;
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const result = await new Promise<{ seconds: number; cpu: number; picked: number; distinct: number }>((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { n, d, picks } satisfies Job });
    worker.on('message', (m) => {
      if (m.phase === 'data') rssData = process.memoryUsage().rss;
      else resolve(m);
    });
    worker.on('error', reject);
  });
  clearInterval(sampler);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const perPick = (s: number): string => `${((s / picks) * 1000).toFixed(1)} ms/pick`;
  console.log(`semclust (WebAssembly SIMD, one thread): ${result.seconds.toFixed(2)} s (${perPick(result.seconds)}; CPU ${result.cpu.toFixed(2)} s), ${result.distinct}/${result.picked} distinct picks`);
  console.log(`  RSS before ${mib(rssBefore)}, after data ${mib(rssData)}, peak sampled during traversal ${mib(rssPeak)} (+${mib(rssPeak - rssData)}: the kernel's copy of the rows), maxRSS ${mib(maxRss)}`);

  for (const [label, threads] of [['one thread', '1'], ['default threads', undefined]] as const) {
    const env: NodeJS.ProcessEnv = { ...peerBlas().env };
    console.log(peerBlas().line);
    delete env.OPENBLAS_NUM_THREADS;
    delete env.OMP_NUM_THREADS;
    if (threads) Object.assign(env, { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads });
    const peer = spawnSync('/usr/bin/python3', ['-c', PEER, String(n), String(d), String(picks)], { encoding: 'utf8', env });
    if (peer.status !== 0) {
      console.log(`numpy peer failed (apt-get install -y python3-numpy): ${peer.stderr.trim()}`);
      return;
    }
    const [seconds, cpu, peak, base, distinct] = peer.stdout.trim().split(/\s+/).map(Number);
    console.log(`numpy peer, ${label} (OpenBLAS gemv, same O(n) traversal): ${seconds.toFixed(2)} s (${perPick(seconds)}; CPU ${cpu.toFixed(2)} s), ${distinct}/${picks} distinct picks; maxRSS after data ${mib(base)}, after traversal ${mib(peak)}`);
    console.log(`  semclust / numpy ${label}: ${(result.seconds / seconds).toFixed(2)}× wall time (target ≤ 1.0), ${(result.cpu / cpu).toFixed(2)}× CPU time`);
  }
}

if (isMainThread) await main();
else runWorker();
