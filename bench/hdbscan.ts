/**
 * HDBSCAN against the Python `hdbscan` package (scikit-learn-contrib), on one data file.
 *
 * Data: 50,000 × 30 seeded synthetic blobs (16 blobs of varied size and spread, 3% uniform
 * noise), min_cluster_size 100, min_samples 10, written as raw float32 that both sides read.
 * 1. Fit: semclust (one onnxruntime thread and default threads, in turn, best of 2) vs hdbscan
 *    algorithm='boruvka_kdtree' (core_dist_n_jobs=1, then the package default); wall and CPU
 *    seconds, time ratio (target ≤ 1.0), clusters, noise fraction, ARI of the label sets
 *    (computed by the peer with sklearn's adjusted_rand_score; target ≥ 0.95).
 * 2. Spanning-tree strategies: the MST phase alone with neighbour lists of 1–4 × (min_samples + 1)
 *    (longer lists settle more Borůvka components without a search; shorter lists are cheaper),
 *    and the dense distance step as a scalar JS loop vs the onnxruntime block kernel.
 * 3. approximate prediction: the fitted points themselves (share of non-noise points given their
 *    fit label, target ≥ 99%); 10,000 new points against the peer's approximate_predict (ARI);
 *    1,000,000 new points streamed in blocks through one single-threaded predictor (what each
 *    worker of the pipeline runs): points/s and peak RSS at 100k and 1M (ratio ≤ 1.3).
 *
 * Peer: /usr/bin/python3 bench/peers/hdbscan_peer.py with the package on HDBSCAN_PEER_PYTHONPATH.
 * Usage: npm run bench:hdbscan
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HdbscanPredictor } from '../core/hdbscan/approximate-predict.js';
import { BlockTopK } from '../core/hdbscan/block-top-k.js';
import { coreDistances } from '../core/hdbscan/core-distances.js';
import { fitHdbscan } from '../core/hdbscan/fit-hdbscan.js';
import type { HdbscanModel } from '../core/hdbscan/hdbscan-model.js';
import { buildKdTree } from '../core/hdbscan/kd-tree.js';
import { mutualReachabilityMst, type MstStats } from '../core/hdbscan/mutual-reachability-mst.js';
import { nearestNeighbors } from '../core/hdbscan/nearest-neighbors.js';
import { createRng, type Rng } from '../core/util/random.js';
import { timed, type Timing } from './timed.js';
import { peerBlas } from './peer-blas.js';

const N = 50_000, D = 30, MIN_CLUSTER_SIZE = 100, MIN_SAMPLES = 10, SEED = 42;
const BLOBS = 16, NOISE = 0.03, NEW_ROWS = 10_000, STREAM_ROWS = 1_000_000, STREAM_BLOCK = 16_384;
const PEER = fileURLToPath(new URL('../../bench/peers/hdbscan_peer.py', import.meta.url));
const DIR = path.join(os.tmpdir(), 'semclust-bench-hdbscan');

const fmt = (s: number): string => `${s.toFixed(2)} s`;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Blob centres uniform in [−20, 20]^D, spreads 0.5–2, weights 0.3–1.3; noise uniform in [−30, 30]^D. */
class Blobs {
  private readonly centres: Float64Array;
  private readonly spreads: Float64Array;
  private readonly cumulative: Float64Array;

  constructor(rng: Rng) {
    this.centres = Float64Array.from({ length: BLOBS * D }, () => rng.next() * 40 - 20);
    this.spreads = Float64Array.from({ length: BLOBS }, () => 0.5 + 1.5 * rng.next());
    const weights = Array.from({ length: BLOBS }, () => 0.3 + rng.next());
    const total = weights.reduce((a, b) => a + b);
    let acc = 0;
    this.cumulative = Float64Array.from(weights, (w) => (acc += w / total));
  }

  /** Fills rows of `out` and returns each row's blob (−1 for noise). */
  fill(out: Float32Array, rows: number, rng: Rng): Int32Array {
    const truth = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const o = i * D;
      if (rng.next() < NOISE) {
        truth[i] = -1;
        for (let j = 0; j < D; j++) out[o + j] = rng.next() * 60 - 30;
        continue;
      }
      const u = rng.next();
      let b = 0;
      while (b < BLOBS - 1 && u > this.cumulative[b]) b++;
      truth[i] = b;
      for (let j = 0; j < D; j++) out[o + j] = this.centres[b * D + j] + this.spreads[b] * rng.gaussian();
    }
    return truth;
  }
}

function summary(labels: Int32Array): { clusters: number; noise: number } {
  let clusters = 0;
  let noise = 0;
  for (const l of labels) {
    clusters = Math.max(clusters, l + 1);
    if (l < 0) noise++;
  }
  return { clusters, noise: noise / labels.length };
}

interface PeerFit extends Timing {
  jobs: number;
  clusters: number;
  noise: number;
  ari_vs_semclust: number;
  ari_vs_truth: number;
}

interface PeerReport {
  fits: { one_job: PeerFit; default: PeerFit };
  semclust: { ari_vs_truth: number };
  predict: {
    prediction_data_seconds: number;
    seconds: number;
    ari_vs_semclust: number;
    noise: number;
    semclust_noise: number;
    ari_vs_truth: number;
    semclust_ari_vs_truth: number;
  };
}

function runPeer(files: Record<string, string>): PeerReport | string {
  const peerPath = process.env.HDBSCAN_PEER_PYTHONPATH;
  if (!peerPath) return 'HDBSCAN_PEER_PYTHONPATH is not set';
  const args = [PEER, '--n', `${N}`, '--m', `${NEW_ROWS}`, '--d', `${D}`];
  args.push('--min-cluster-size', `${MIN_CLUSTER_SIZE}`, '--min-samples', `${MIN_SAMPLES}`);
  for (const [k, v] of Object.entries(files)) args.push(`--${k}`, v);
  const env = { ...peerBlas().env, PYTHONPATH: peerPath };
  console.log(peerBlas().line);
  const run = spawnSync('/usr/bin/python3', args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return `the peer failed (exit ${run.status}):\n${run.stderr.trim().split('\n').slice(-5).join('\n')}`;
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as PeerReport;
}

const PEER_HELP = `To provide the peer (the Python hdbscan package, built from source against Debian's numpy/scipy/sklearn):
  fetch github:scikit-learn-contrib/hdbscan, then in a scratch folder outside the repo:
    git --git-dir=<mirror> archive release-0.8.40 | tar -x   # 0.8.41+ need scikit-learn ≥ 1.6 (ensure_all_finite)
    /usr/bin/python3 setup.py build_ext --inplace             # Debian cython3, python3-numpy/scipy/sklearn/joblib
  and run: HDBSCAN_PEER_PYTHONPATH=<that folder> npm run bench:hdbscan`;

/** The spanning-tree phase alone for several neighbour-list lengths (same tree, kernel and data). */
async function benchSpanningTree(x: Float32Array): Promise<void> {
  console.log('\n## spanning tree: neighbour-list length (× (min_samples + 1)), default threads');
  console.log('lists   kNN wall (CPU)         MST wall (CPU)         rounds   searched points   compared pairs');
  const tree = buildKdTree(x, N, D, 16);
  const kernel = await BlockTopK.create(D);
  try {
    for (const factor of [1, 2, 3, 4]) {
      const k = factor * (MIN_SAMPLES + 1);
      const [neighbours, knn] = await timed(() => nearestNeighbors(tree, kernel, x, N, k));
      const stats: MstStats = { rounds: 0, searchedPoints: 0, comparedPairs: 0 };
      const [, mst] = await timed(() => mutualReachabilityMst(tree, kernel, coreDistances(neighbours, MIN_SAMPLES), neighbours, undefined, stats));
      const both = (t: Timing): string => `${fmt(t.seconds)} (${fmt(t.cpu)})`.padEnd(22);
      console.log(
        `${`${factor}×`.padEnd(7)} ${both(knn)} ${both(mst)} ${`${stats.rounds}`.padStart(6)}` +
          `   ${stats.searchedPoints.toLocaleString('en-US').padStart(15)}   ${(stats.comparedPairs / 1e6).toFixed(1).padStart(10)} M`,
      );
    }
  } finally {
    await kernel.close();
  }
}

/**
 * Why the dense step runs on onnxruntime: the same task (the 23 nearest of 4,096 reference rows
 * for each of 256 query rows, 30-d) as a scalar JS loop and as one BlockTopK call, one thread.
 */
async function benchDenseStep(): Promise<void> {
  const m = 256, n = 4096, k = 23;
  const rng = createRng(SEED + 5);
  const q = Float32Array.from({ length: m * D }, () => rng.gaussian());
  const r = Float32Array.from({ length: n * D }, () => rng.gaussian());
  const top = new Float64Array(k);
  const jsLoop = async (): Promise<void> => {
    for (let i = 0; i < m; i++) {
      top.fill(Infinity);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let t = 0; t < D; t++) {
          const v = q[i * D + t] - r[j * D + t];
          s += v * v;
        }
        if (s >= top[k - 1]) continue;
        let u = k - 1;
        while (u > 0 && top[u - 1] > s) top[u] = top[--u];
        top[u] = s;
      }
    }
  };
  const kernel = await BlockTopK.create(D, 1);
  const centre = new Float32Array(D);
  const best = async (f: () => Promise<unknown>): Promise<number> => {
    let fastest = Infinity;
    for (let rep = 0; rep < 5; rep++) fastest = Math.min(fastest, (await timed(f))[1].seconds);
    return (fastest * 1e9) / (m * n);
  };
  const js = await best(jsLoop);
  const ort = await best(() => kernel.nearest(q, m, r, n, centre, k));
  await kernel.close();
  console.log(`\n## dense step, ${m} queries × ${n} rows × ${D}-d, 23 nearest, one thread (best of 5)`);
  console.log(`scalar JS ${js.toFixed(2)} ns/pair, BlockTopK (onnxruntime) ${ort.toFixed(2)} ns/pair: ${(js / ort).toFixed(1)}× faster`);
}

/** One predictor on one onnxruntime thread: the unit a worker of the pipeline's pool runs. */
async function benchStream(model: HdbscanModel, blobs: Blobs): Promise<void> {
  const predictor = await HdbscanPredictor.create(model, { threads: 1 });
  const rng = createRng(SEED + 3);
  const block = new Float32Array(STREAM_BLOCK * D);
  let peak = 0;
  let peakAt100k = 0;
  let predictSeconds = 0;
  let predictCpu = 0;
  let noise = 0;
  const t0 = performance.now();
  for (let start = 0; start < STREAM_ROWS; start += STREAM_BLOCK) {
    const rows = Math.min(STREAM_BLOCK, STREAM_ROWS - start);
    blobs.fill(block, rows, rng);
    const [{ labels }, t] = await timed(() => predictor.predict(block, rows));
    predictSeconds += t.seconds;
    predictCpu += t.cpu;
    for (const l of labels) if (l < 0) noise++;
    peak = Math.max(peak, process.memoryUsage().rss);
    if (start < 100_000) peakAt100k = peak;
  }
  const wall = (performance.now() - t0) / 1000;
  await predictor.close();
  console.log(`\n## streaming approximate prediction: ${STREAM_ROWS.toLocaleString('en-US')} new rows in blocks of ${STREAM_BLOCK}, one thread`);
  const rate = (s: number): string => `${Math.round(STREAM_ROWS / s).toLocaleString('en-US')} points/s`;
  console.log(`prediction alone ${fmt(predictSeconds)} → ${rate(predictSeconds)} (CPU ${fmt(predictCpu)} → ${rate(predictCpu)}); with generation ${fmt(wall)}; noise ${(noise / STREAM_ROWS).toFixed(4)}`);
  console.log(`peak RSS at ~100k rows ${mib(peakAt100k)}, at 1M rows ${mib(peak)}: ratio ${(peak / peakAt100k).toFixed(3)} (target ≤ 1.3)`);
}

mkdirSync(DIR, { recursive: true });
const rng = createRng(SEED);
const blobs = new Blobs(rng);
const x = new Float32Array(N * D);
const truth = blobs.fill(x, N, rng.fork());
const fresh = new Float32Array(NEW_ROWS * D);
const freshTruth = blobs.fill(fresh, NEW_ROWS, rng.fork());
const file = (name: string, a: Float32Array | Int32Array): string => {
  const f = path.join(DIR, name);
  writeFileSync(f, a);
  return f;
};
console.log(`data: ${N.toLocaleString('en-US')} × ${D}, ${BLOBS} blobs + ${NOISE * 100}% noise, seed ${SEED}; files in ${DIR}`);
console.log(`${os.cpus().length} CPUs, shared machine: wall-clock figures move with other load; compare ratios from the same run`);

// One thread and default threads in turn, twice, each keeping its faster run: a neighbour's
// load then falls on both alike.
const fitWith = (threads: number | undefined) => timed(() => fitHdbscan(x, N, D, { minClusterSize: MIN_CLUSTER_SIZE, minSamples: MIN_SAMPLES, threads }));
const faster = <T>(a: [T, Timing] | undefined, b: [T, Timing]): [T, Timing] => (a === undefined || b[1].seconds < a[1].seconds ? b : a);
let oneRun: [Awaited<ReturnType<typeof fitHdbscan>>, Timing] | undefined;
let defaultRun: typeof oneRun;
for (let round = 0; round < 2; round++) {
  oneRun = faster(oneRun, await fitWith(1));
  defaultRun = faster(defaultRun, await fitWith(undefined));
}
const [one, oneTime] = oneRun!;
const [fit, fitTime] = defaultRun!;
const same = one.labels.every((l, i) => l === fit.labels[i]);

const [predictor, prepTime] = await timed(() => HdbscanPredictor.create(fit.model));
const [self, selfTime] = await timed(() => predictor.predict(x, N));
let members = 0;
let kept = 0;
for (let i = 0; i < N; i++) {
  if (fit.labels[i] < 0) continue;
  members++;
  if (self.labels[i] === fit.labels[i]) kept++;
}
const [predicted, newTime] = await timed(() => predictor.predict(fresh, NEW_ROWS));

const peer = runPeer({
  data: file('x.f32', x),
  new: file('new.f32', fresh),
  truth: file('truth.i32', truth),
  ours: file('semclust-labels.i32', fit.labels),
  'ours-new': file('semclust-new-labels.i32', predicted.labels),
  'ours-new-truth': file('new-truth.i32', freshTruth),
});

const ours = summary(fit.labels);
console.log(`\n## fit ${N.toLocaleString('en-US')} × ${D}, min_cluster_size ${MIN_CLUSTER_SIZE}, min_samples ${MIN_SAMPLES}`);
if (typeof peer === 'string') {
  console.log(`peer unavailable: ${peer}\n${PEER_HELP}`);
  console.log(`semclust one thread ${fmt(oneTime.seconds)} (CPU ${fmt(oneTime.cpu)}), default threads ${fmt(fitTime.seconds)} (CPU ${fmt(fitTime.cpu)})`);
  console.log(`semclust: ${ours.clusters} clusters, noise ${ours.noise.toFixed(4)}`);
} else {
  console.log("peer: hdbscan, algorithm='boruvka_kdtree' (approx_min_span_tree left at its default, True); semclust's tree is exact");
  console.log('                                 semclust      hdbscan   ratio (semclust/hdbscan)   CPU: semclust   hdbscan   ratio');
  const row = (name: string, a: Timing, b: Timing): void =>
    console.log(
      `${name.padEnd(32)} ${fmt(a.seconds).padStart(8)} ${fmt(b.seconds).padStart(12)}   ${(a.seconds / b.seconds).toFixed(3).padEnd(24)}` +
        `${fmt(a.cpu).padStart(11)} ${fmt(b.cpu).padStart(9)}   ${(a.cpu / b.cpu).toFixed(3)}`,
    );
  row(`1 thread vs core_dist_n_jobs=1`, oneTime, peer.fits.one_job);
  row(`default vs core_dist_n_jobs=${peer.fits.default.jobs}`, fitTime, peer.fits.default);
  console.log('(time ratio target ≤ 1.0; the peer\'s CPU figure leaves out its joblib worker processes)');
  console.log(`clusters: semclust ${ours.clusters}, hdbscan ${peer.fits.one_job.clusters} / ${peer.fits.default.clusters}`);
  console.log(`noise fraction: semclust ${ours.noise.toFixed(4)}, hdbscan ${peer.fits.one_job.noise.toFixed(4)} / ${peer.fits.default.noise.toFixed(4)}`);
  console.log(`ARI semclust vs hdbscan: ${peer.fits.one_job.ari_vs_semclust.toFixed(4)} / ${peer.fits.default.ari_vs_semclust.toFixed(4)} (target ≥ 0.95)`);
  console.log(`ARI vs the generating blobs (noise as one class): semclust ${peer.semclust.ari_vs_truth.toFixed(4)}, hdbscan ${peer.fits.default.ari_vs_truth.toFixed(4)}`);
}
console.log(`semclust one-thread and default-thread fits give identical labels: ${same}`);
console.log(`semclust default threads / one thread (wall, best of 2 each, interleaved; goal ≤ 1): ${(fitTime.seconds / oneTime.seconds).toFixed(3)}`);

console.log(`\n## approximate prediction`);
console.log(`predictor set-up (kd-tree + kernel) ${fmt(prepTime.seconds)}`);
console.log(`fitted points: ${kept} of ${members} non-noise points keep their fit label = ${((100 * kept) / members).toFixed(2)}% (target ≥ 99%), ${fmt(selfTime.seconds)}`);
console.log(`${NEW_ROWS.toLocaleString('en-US')} new points: semclust ${fmt(newTime.seconds)}, noise ${summary(predicted.labels).noise.toFixed(4)}`);
if (typeof peer !== 'string') {
  const p = peer.predict;
  console.log(`hdbscan approximate_predict ${fmt(p.seconds)} (+ generate_prediction_data ${fmt(p.prediction_data_seconds)}), noise ${p.noise.toFixed(4)}`);
  console.log(`ARI of predicted labels semclust vs hdbscan: ${p.ari_vs_semclust.toFixed(4)}; vs the generating blobs: semclust ${p.semclust_ari_vs_truth.toFixed(4)}, hdbscan ${p.ari_vs_truth.toFixed(4)}`);
}

await predictor.close();
await benchStream(fit.model, blobs);
await benchSpanningTree(x);
await benchDenseStep();
