/**
 * k-means at the k that curation uses (`npm run bench:kmeans -- --large`): 200,000 × 384
 * L2-normalised blobs from 2,000 centres, k = 1,000 / 5,000 / 20,000, one thread and default
 * threads, in one run:
 *
 * - semclust with each seeding asked for (--inits; default k-means|| and random: greedy
 *   k-means++ reads all rows once per centre and runs for hours at k = 20,000): seeding time,
 *   Lloyd iterations and time per iteration, full fit (seeding + Lloyd) and inertia;
 * - faiss (bench/peers/kmeans_faiss.py, Debian python3-faiss): faiss.Kmeans with its defaults
 *   (random init, 25 iterations), and faiss's Lloyd from semclust's k-means|| centres, which
 *   compares the Lloyd pass alone;
 * - scikit-learn at k = 1,000 (bench/peers/kmeans_sklearn.py): greedy k-means++ and Lloyd.
 *
 * Every inertia is scored by the same code (NearestCentroid labels, exact distances in double).
 * Peers run on their best BLAS kernel (see peer-blas.ts). Peak RSS: the peer's own; semclust's
 * is this process's peak so far (it only grows), so run one k alone to read it for that k.
 *
 * Usage: node dist/bench/kmeans.js --large [--rows 200000] [--centres 2000] [--ks 1000,5000,20000]
 *        [--inits k-means||,random] [--threads 1,default] [--sklearn-k 1000]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NearestCentroid } from '../core/kernels/nearest-centroid.js';
import { seedCentres, type KMeansInit } from '../core/kmeans/kmeans-init.js';
import { exactInertia, fitKMeans } from '../core/kmeans/kmeans.js';
import { createRng } from '../core/util/random.js';
import { readF32, writeBlobs } from './blobs.js';
import { peerBlas } from './peer-blas.js';
import { timed } from './timed.js';

const D = 384, SEED = 42;
const DIR = path.join(os.tmpdir(), 'semclust-bench-kmeans');
const peerFile = (name: string): string => fileURLToPath(new URL(`../../bench/peers/${name}`, import.meta.url));

interface Row {
  name: string;
  seeding?: number;
  iterations: number;
  perIteration: number;
  full: number;
  inertia: number;
  rssMiB: number;
}

async function inertiaOf(x: Float32Array, n: number, centroids: Float32Array, k: number, threads: number | undefined): Promise<number> {
  const kernel = await NearestCentroid.create(centroids, k, D, { threads });
  const labels = new Int32Array(n);
  try {
    await kernel.assign(x, n, labels, new Float32Array(n));
  } finally {
    await kernel.close();
  }
  return exactInertia(x, D, centroids, labels);
}

const rssMiB = (): number => process.resourceUsage().maxRSS / 1024;

function peerEnv(threads: number | undefined): NodeJS.ProcessEnv {
  const env = { ...peerBlas().env };
  if (threads) Object.assign(env, { OMP_NUM_THREADS: `${threads}`, OPENBLAS_NUM_THREADS: `${threads}`, MKL_NUM_THREADS: `${threads}` });
  return env;
}

function runPython(script: string, args: string[], threads: number | undefined): Record<string, any> {
  const run = spawnSync('/usr/bin/python3', [peerFile(script), ...args], { env: peerEnv(threads), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

async function benchK(x: Float32Array, data: string, n: number, k: number, threads: number | undefined, inits: KMeansInit[], sklearnK: number): Promise<void> {
  const label = threads === 1 ? 'one thread' : 'default threads';
  const kernel = { threads };
  const rows: Row[] = [];
  let parallelSeeds: Float32Array | undefined;
  for (const init of inits) {
    const [seeds, seeding] = await timed(() => seedCentres(init, x, n, D, k, createRng(SEED), kernel));
    if (init === 'k-means||') parallelSeeds = seeds;
    const [fit, lloyd] = await timed(() => fitKMeans(x, n, D, { k, seed: SEED, init: seeds, kernel }));
    rows.push({
      name: `semclust, ${init}`,
      seeding: seeding.seconds,
      iterations: fit.iterations,
      perIteration: lloyd.seconds / fit.iterations,
      full: seeding.seconds + lloyd.seconds,
      inertia: await inertiaOf(x, n, fit.centroids, k, threads),
      rssMiB: rssMiB(),
    });
  }
  const faissThreads = threads ?? os.availableParallelism();
  const faissArgs = ['--data', data, '--n', `${n}`, '--d', `${D}`, '--k', `${k}`, '--seed', `${SEED}`, '--threads', `${faissThreads}`];
  const faissRow = async (name: string, extra: string[]): Promise<void> => {
    const out = path.join(DIR, `faiss-${k}.f32`);
    const r = runPython('kmeans_faiss.py', [...faissArgs, '--out', out, ...extra], threads);
    rows.push({ name, iterations: r.iterations, perIteration: r.per_iteration, full: r.seconds, inertia: await inertiaOf(x, n, readF32(out, k * D), k, threads), rssMiB: r.max_rss_mib });
  };
  await faissRow('faiss, defaults (random init)', []);
  if (parallelSeeds) {
    const init = path.join(DIR, `seeds-${k}.f32`);
    writeFileSync(init, parallelSeeds);
    await faissRow('faiss, from semclust k-means||', ['--init-from', init]);
  }
  if (k === sklearnK && parallelSeeds) {
    const out = path.join(DIR, `sklearn-${k}`);
    const init = path.join(DIR, `seeds-${k}.f32`);
    const r = runPython('kmeans_sklearn.py', ['--data', data, '--init', init, '--out', out, '--n', `${n}`, '--d', `${D}`, '--k', `${k}`, '--max-iter', '300', '--tol', '1e-4', '--seed', `${SEED}`, '--repeats', '1'], threads);
    rows.push({ name: 'scikit-learn, k-means++', seeding: r.seeding.seconds, iterations: r.fit.iterations, perIteration: (r.fit.seconds - r.seeding.seconds) / r.fit.iterations, full: r.fit.seconds, inertia: await inertiaOf(x, n, readF32(`${out}.fit.f32`, k * D), k, threads), rssMiB: NaN });
    rows.push({ name: 'scikit-learn, from semclust k-means||', iterations: r.lloyd.iterations, perIteration: r.lloyd.seconds / r.lloyd.iterations, full: r.lloyd.seconds, inertia: await inertiaOf(x, n, readF32(`${out}.lloyd.f32`, k * D), k, threads), rssMiB: NaN });
  }
  const faissDefault = rows.find((r) => r.name.startsWith('faiss, defaults'))!;
  console.log(`\n## ${n.toLocaleString('en-US')} × ${D}, k = ${k.toLocaleString('en-US')}, ${label}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${'side'.padEnd(40)} ${'seeding'.padStart(9)} ${'iters'.padStart(5)} ${'s/iter'.padStart(8)} ${'seed/iter'.padStart(9)} ${'full fit'.padStart(9)} ${'÷faiss'.padStart(7)} ${'inertia'.padStart(11)} ${'÷faiss'.padStart(7)} ${'peak RSS'.padStart(9)}`);
  for (const r of rows) {
    const seed = r.seeding === undefined ? '–' : `${r.seeding.toFixed(2)} s`;
    const seedIters = r.seeding === undefined ? '–' : (r.seeding / r.perIteration).toFixed(2);
    console.log(
      `${r.name.padEnd(40)} ${seed.padStart(9)} ${String(r.iterations).padStart(5)} ${r.perIteration.toFixed(3).padStart(8)} ${seedIters.padStart(9)} ` +
        `${`${r.full.toFixed(2)} s`.padStart(9)} ${(r.full / faissDefault.full).toFixed(3).padStart(7)} ${r.inertia.toFixed(1).padStart(11)} ` +
        `${(r.inertia / faissDefault.inertia).toFixed(4).padStart(7)} ${Number.isNaN(r.rssMiB) ? '–'.padStart(9) : `${r.rssMiB.toFixed(0)} MiB`.padStart(9)}`,
    );
  }
}

export async function benchLarge(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--large'),
    options: {
      rows: { type: 'string', default: '200000' },
      centres: { type: 'string', default: '2000' },
      ks: { type: 'string', default: '1000,5000,20000' },
      inits: { type: 'string', default: 'k-means||,random' },
      threads: { type: 'string', default: '1,default' },
      'sklearn-k': { type: 'string', default: '1000' },
    },
  });
  const n = Number(values.rows), centres = Number(values.centres), sklearnK = Number(values['sklearn-k']);
  const ks = values.ks.split(',').map(Number);
  const inits = values.inits.split(',') as KMeansInit[];
  const threadSettings = values.threads.split(',').map((t) => (t === 'default' ? undefined : Number(t)));
  mkdirSync(DIR, { recursive: true });
  const data = path.join(DIR, `blobs-${n}x${D}-c${centres}-seed${SEED}.f32`);
  if (!existsSync(data)) writeBlobs(data, n, D, centres, SEED);
  const x = readF32(data, n * D);
  console.log(`data: ${data}; ${os.cpus().length} CPUs; ${peerBlas().line}`);
  for (const k of ks) for (const threads of threadSettings) await benchK(x, data, n, k, threads, inits, sklearnK);
}
