/**
 * `--within diverse` (core/sample/kmeans-picks.ts: the row nearest each k-means centre) against
 * `--within farthest` (core/sample/farthest-point.ts, the rule diverse named before issue 22's
 * coverage fix) on the same synthetic clusters, and against scikit-learn running the same rule
 * (KMeans, greedy k-means++, one init, the same iteration cap, then each cell's member nearest its
 * centre) on its own data of the same shape, in the same run: time per cluster set and process
 * peak RSS. The clusters are unit-norm Gaussian blobs (a random direction plus isotropic noise,
 * rows L2-normalised), all of one size, with sqrt quotas (allocate-quotas.ts) as the sample stage
 * gives them. Without scikit-learn (apt-get install -y python3-sklearn) only semclust's figures
 * are printed.
 *
 * Usage: node dist/bench/diverse-picks.js [rows=200000] [dim=100] [clusters=200] [sample=10000]
 */
import { spawnSync } from 'node:child_process';
import { kmeansPickOrder, MAX_ITER } from '../core/sample/kmeans-picks.js';
import { farthestPointOrder } from '../core/sample/farthest-point.js';
import { allocateQuotas } from '../core/sample/allocate-quotas.js';
import { createRng } from '../core/util/random.js';
import { peerBlas } from './peer-blas.js';
import { timed } from './timed.js';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

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

const PEER = `
import sys, time, resource, numpy as np
from sklearn.cluster import KMeans
size, d, max_iter = map(int, sys.argv[1:4]); quotas = list(map(int, sys.argv[4].split(',')))
rng = np.random.default_rng(1)
clusters = []
for q in quotas:
    centre = rng.standard_normal(d, dtype=np.float32) / np.sqrt(d)
    x = centre + 0.6 * rng.standard_normal((size, d), dtype=np.float32) / np.sqrt(d)
    clusters.append(x / np.linalg.norm(x, axis=1, keepdims=True))
t0, c0 = time.perf_counter(), time.process_time()
picked = 0
for c, (x, q) in enumerate(zip(clusters, quotas)):
    km = KMeans(n_clusters=q, init='k-means++', n_init=1, max_iter=max_iter, random_state=c).fit(x)
    d2 = ((x - km.cluster_centers_[km.labels_]) ** 2).sum(1)
    for k in np.argsort(-np.bincount(km.labels_, minlength=q), kind='stable'):
        members = np.flatnonzero(km.labels_ == k)
        if len(members): picked += 1; int(members[np.argmin(d2[members])])
print(time.perf_counter() - t0, time.process_time() - c0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, picked)
`;

async function main(): Promise<void> {
  const [rows, d, k, sample] = [200_000, 100, 200, 10_000].map((v, i) => Number(process.argv[2 + i] ?? v));
  const size = Math.floor(rows / k);
  const quotas = allocateQuotas(new Int32Array(k).fill(size), sample, 'sqrt', 42);
  console.log(`diverse picks: ${k} clusters × ${size} rows × ${d} dims, ${sample} picks (sqrt quotas, ${quotas[0]}–${Math.max(...quotas)} per cluster); Lloyd ≤ ${MAX_ITER} iterations`);
  const clusters = Array.from({ length: k }, (_, c) => syntheticCluster(size, d, c + 1));

  const [, kmeans] = await timed(async () => {
    for (let c = 0; c < k; c++) await kmeansPickOrder(clusters[c], size, d, quotas[c], c, { threads: 1 });
  });
  const [, farthest] = await timed(async () => {
    for (let c = 0; c < k; c++) farthestPointOrder(clusters[c], size, d, quotas[c]);
  });
  const per = (s: number) => `${((s / k) * 1000).toFixed(1)} ms/cluster`;
  console.log(`semclust diverse (k-means picks, 1 thread):  ${kmeans.seconds.toFixed(2)} s (${per(kmeans.seconds)}; CPU ${kmeans.cpu.toFixed(2)} s)`);
  console.log(`semclust farthest (farthest-point picks):   ${farthest.seconds.toFixed(2)} s (${per(farthest.seconds)}; CPU ${farthest.cpu.toFixed(2)} s)`);
  console.log(`  diverse / farthest: ${(kmeans.seconds / farthest.seconds).toFixed(1)}× wall time; process maxRSS ${mib(process.resourceUsage().maxRSS * 1024)} (the clusters: ${mib(rows * d * 4)})`);

  const env: NodeJS.ProcessEnv = { ...peerBlas().env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  console.log(peerBlas().line);
  const peer = spawnSync('/usr/bin/python3', ['-c', PEER, String(size), String(d), String(MAX_ITER), Array.from(quotas).join(',')], { encoding: 'utf8', env });
  if (peer.status !== 0) {
    console.log(`scikit-learn peer failed (apt-get install -y python3-sklearn): ${peer.stderr.trim().split('\n').pop()}`);
    return;
  }
  const [seconds, cpu, peak, picked] = peer.stdout.trim().split(/\s+/).map(Number);
  console.log(`scikit-learn peer, 1 thread (same rule): ${seconds.toFixed(2)} s (${per(seconds)}; CPU ${cpu.toFixed(2)} s), ${picked} picks; maxRSS ${mib(peak)}`);
  console.log(`  semclust diverse / scikit-learn: ${(kmeans.seconds / seconds).toFixed(2)}× wall time, ${(kmeans.cpu / cpu).toFixed(2)}× CPU time`);
}

await main();
