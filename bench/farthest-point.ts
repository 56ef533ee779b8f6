/**
 * Diverse sampling of 1,000 picks within one synthetic 200k-row cluster at 384 and 1,024
 * dimensions: time, CPU and peak RSS, against numpy (Debian /usr/bin/python3) running the same
 * O(n)-memory traversal with OpenBLAS gemv on its own data of the same shape, in the same run,
 * with one BLAS thread and with its default threads. The traversal here is one thread in both
 * settings: each pick depends on the last, and one pass already streams the rows at memory speed.
 *
 * semclust skips the rows the triangle inequality proves a pick cannot change
 * (core/sample/farthest-point.ts), so its time depends on the data; numpy's does not (a full gemv
 * per pick whatever the rows). Two data sets, each printed with the share of row distances read:
 *   noise  one random direction plus isotropic noise, L2-normalised: every row is about equally
 *          far from every other, the bound skips almost nothing (the worst case);
 *   blobs  the same cluster made of 500 sub-topics (centres 0.6/√d-spread around the direction,
 *          rows 0.2/√d around their centre, L2-normalised): the structure a cluster of real
 *          text embeddings has.
 * `run:OUTDIR` adds the embeddings of a run folder as one cluster (all its rows, e.g. Banking77
 * embedded by the built-in model), with no peer: real vectors, for the share read. Given alone
 * (`node dist/bench/farthest-point.js 0 0 1000 run:OUTDIR`), only that runs.
 * numpy runs on the noise data only, as its work is the same on both. A full n × n distance
 * matrix is printed for scale: the RSS shows none is built. Without numpy
 * (apt-get install -y python3-numpy) only semclust's figures are printed.
 *
 * Usage: node dist/bench/farthest-point.js [rows=200000] [dims=384,1024] [picks=1000] [data=noise,blobs[,run:OUTDIR]]
 * Each semclust run is its own process, so its peak RSS is its own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { farthestPoints } from '../core/sample/farthest-point.js';
import { embeddingPartFiles, readEmbeddingPart } from '../operators/parquet/read-embeddings.js';
import { createRng } from '../core/util/random.js';
import { peerBlas } from './peer-blas.js';

const DATA = ['noise', 'blobs'] as const;
type Data = (typeof DATA)[number] | `run:${string}`;
interface Run { n: number; d: number; seconds: number; cpu: number; picked: number; distinct: number; read: number; rssData: number; maxRss: number }

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** n unit rows around one random direction: isotropic noise, or 500 sub-topic blobs. */
function syntheticCluster(n: number, d: number, data: Data, seed: number): Float32Array {
  const rng = createRng(seed);
  const gauss = (scale: number) => Float32Array.from({ length: d }, () => (scale * rng.gaussian()) / Math.sqrt(d));
  const centre = gauss(1);
  const topics = data === 'blobs' ? Array.from({ length: 500 }, () => gauss(0.6).map((v, j) => v + centre[j])) : [centre];
  const noise = data === 'blobs' ? 0.2 : 0.6;
  const x = new Float32Array(n * d);
  for (let i = 0, o = 0; i < n; i++, o += d) {
    const at = topics[Math.floor(rng.next() * topics.length)];
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const v = at[j] + (noise * rng.gaussian()) / Math.sqrt(d);
      x[o + j] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < d; j++) x[o + j] *= inv;
  }
  return x;
}

/** One semclust run in this process: prints its figures as JSON. */
function runCase(n: number, d: number, picks: number, data: Data): void {
  let x: Float32Array;
  if (data.startsWith('run:')) {
    const parts = embeddingPartFiles(data.slice(4)).map((f, i) => readEmbeddingPart(f, i, false));
    [n, d] = [parts.reduce((s, p) => s + p.rows, 0), parts[0].dims];
    x = new Float32Array(n * d);
    parts.reduce((o, p) => (x.set(p.values, o), o + p.values.length), 0);
  } else x = syntheticCluster(n, d, data as (typeof DATA)[number], 1);
  const rssData = process.memoryUsage().rss;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { order, rowsRead } = farthestPoints(x, n, d, picks);
  const c = process.cpuUsage(c0);
  const run: Run = {
    n,
    d,
    seconds: (performance.now() - t0) / 1000,
    cpu: (c.user + c.system) / 1e6,
    picked: order.length,
    distinct: new Set(order).size,
    read: rowsRead / (n * (order.length - 1)),
    rssData,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(run));
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

function main(): void {
  const n = Number(process.argv[2] ?? 200_000);
  const dims = (process.argv[3] ?? '384,1024').split(',').map(Number);
  const picks = Number(process.argv[4] ?? 1000);
  const all = (process.argv[5] ?? DATA.join(',')).split(',') as Data[];
  const kinds = all.filter((k) => !k.startsWith('run:'));
  const perPick = (s: number): string => `${((s / picks) * 1000).toFixed(1)} ms/pick`;
  const blas = peerBlas();
  console.log(`farthest-point traversal: ${n} rows, ${picks} picks; an n × n float64 distance matrix would be ${(n * n * 8 / 1e9).toFixed(0)} GB`);
  console.log(blas.line);

  const semclust = (d: number, data: Data): Run => {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--case', String(n), String(d), String(picks), data], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`semclust run failed (${data}, ${d}-d)`);
    const r = JSON.parse(child.stdout.trim()) as Run;
    console.log(`semclust, ${data} ${r.n} × ${r.d} (WebAssembly SIMD, one thread): ${r.seconds.toFixed(2)} s (${perPick(r.seconds)}; CPU ${r.cpu.toFixed(2)} s), ` +
      `${(100 * r.read).toFixed(1)}% of row distances read, ${r.distinct}/${r.picked} distinct picks; RSS after data ${mib(r.rssData)}, peak ${mib(r.maxRss)}`);
    return r;
  };
  for (const data of all.filter((k) => k.startsWith('run:'))) semclust(0, data);

  for (const d of kinds.length > 0 ? dims : []) {
    console.log(`\n${n} rows × ${d} (input ${mib(n * d * 4)})`);
    const ours = new Map<Data, Run>();
    for (const data of kinds) ours.set(data, semclust(d, data));
    for (const [label, threads] of [['one thread', '1'], ['default threads', undefined]] as const) {
      const env: NodeJS.ProcessEnv = { ...blas.env };
      delete env.OPENBLAS_NUM_THREADS;
      delete env.OMP_NUM_THREADS;
      if (threads) Object.assign(env, { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads });
      const peer = spawnSync('/usr/bin/python3', ['-c', PEER, String(n), String(d), String(picks)], { encoding: 'utf8', env });
      if (peer.status !== 0) {
        console.log(`numpy peer failed (apt-get install -y python3-numpy): ${peer.stderr.trim()}`);
        return;
      }
      const [seconds, cpu, peak, base, distinct] = peer.stdout.trim().split(/\s+/).map(Number);
      console.log(`numpy peer, ${label} (OpenBLAS gemv, same O(n) traversal, noise): ${seconds.toFixed(2)} s (${perPick(seconds)}; CPU ${cpu.toFixed(2)} s), ${distinct}/${picks} distinct picks; maxRSS after data ${mib(base)}, peak ${mib(peak)}`);
      for (const [data, r] of ours) {
        console.log(`  semclust ${data} / numpy ${label}: ${(r.seconds / seconds).toFixed(2)}× wall time (target ≤ 1.0), ${(r.cpu / cpu).toFixed(2)}× CPU time, ${(r.maxRss / peak).toFixed(2)}× peak RSS`);
      }
    }
  }
}

if (process.argv[2] === '--case') runCase(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]), process.argv[6] as Data);
else main();
