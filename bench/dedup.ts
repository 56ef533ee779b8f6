/**
 * SemDeDup's keep rule on 200k synthetic unit rows (d = 100, the built-in model's width) in
 * clusters of 200–1,800 rows, 15% of them near-copies (a row plus small noise): time and peak
 * RSS of core/dedup/semdedup.ts (onnxruntime, blocks of ≤ 1,024 rows against the kept rows), one
 * session on one thread and two sessions as the dedup stage runs them, against numpy
 * (Debian /usr/bin/python3, bench/peers/semdedup_numpy.py) running the same blocked rule on the
 * same rows, with one BLAS thread and its default threads. The removed counts are compared
 * (float32 sums in another order may flip a pair exactly at the threshold). The DuckDB stream
 * and the dedup/ parts of the stage are not timed here. Without numpy (apt-get install -y
 * python3-numpy) only semclust's figures are printed.
 *
 * Usage: node dist/bench/dedup.js [rows=200000] [dim=100] [epsilon=0.01]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeptSimilarity } from '../core/kernels/kept-similarity.js';
import { createRng } from '../core/util/random.js';
import { semDeDup } from '../core/dedup/semdedup.js';
import { timed } from './timed.js';
import { peerBlas } from './peer-blas.js';

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function normalise(x: Float32Array, o: number, d: number): void {
  let s = 0;
  for (let j = 0; j < d; j++) s += x[o + j] * x[o + j];
  const inv = 1 / Math.sqrt(s);
  for (let j = 0; j < d; j++) x[o + j] *= inv;
}

/** Clusters of unit rows around random directions; 15% of rows are a noisy copy of an earlier row of their cluster. */
function synthetic(n: number, d: number): { x: Float32Array; sizes: Int32Array } {
  const rng = createRng(7);
  const sizes: number[] = [];
  for (let left = n; left > 0; ) {
    const s = Math.min(left, 200 + rng.int(1600));
    sizes.push(s);
    left -= s;
  }
  const x = new Float32Array(n * d);
  let o = 0;
  for (const s of sizes) {
    const centre = Float32Array.from({ length: d }, () => rng.gaussian());
    const start = o;
    for (let i = 0; i < s; i++, o += d) {
      if (i > 0 && rng.next() < 0.15) {
        const src = start + rng.int(i) * d;
        for (let j = 0; j < d; j++) x[o + j] = x[src + j] + 0.005 * rng.gaussian();
      } else for (let j = 0; j < d; j++) x[o + j] = centre[j] / Math.sqrt(d) + (0.8 * rng.gaussian()) / Math.sqrt(d);
      normalise(x, o, d);
    }
  }
  return { x, sizes: Int32Array.from(sizes) };
}

async function runSemclust(x: Float32Array, sizes: Int32Array, d: number, epsilon: number, sessions: number): Promise<number> {
  const offsets: number[] = [];
  let o = 0;
  for (const s of sizes) {
    offsets.push(o);
    o += s;
  }
  let next = 0;
  let removed = 0;
  const worker = async () => {
    const kernel = await KeptSimilarity.create(d, 1);
    try {
      for (let c = next++; c < sizes.length; c = next++) {
        const r = await semDeDup(kernel, x.subarray(offsets[c] * d, (offsets[c] + sizes[c]) * d), sizes[c], d, { epsilon, keep: 'nearest', seed: 0 });
        for (const k of r.kept) if (!k) removed++;
      }
    } finally {
      await kernel.close();
    }
  };
  await Promise.all(Array.from({ length: sessions }, worker));
  return removed;
}

async function main(): Promise<void> {
  const [n, d] = [200_000, 100].map((v, i) => Number(process.argv[2 + i] ?? v));
  const epsilon = Number(process.argv[4] ?? 0.01);
  const { x, sizes } = synthetic(n, d);
  console.log(`SemDeDup keep rule: ${n} rows × ${d} in ${sizes.length} clusters (largest ${Math.max(...sizes)}), ε = ${epsilon}; input ${mib(n * d * 4)}; load ${os.loadavg()[0].toFixed(1)}`);
  const rssData = process.memoryUsage().rss;
  const figures: Record<string, { seconds: number; cpu: number; removed: number }> = {};
  for (const [label, sessions] of [['one thread', 1], ['default (2 sessions)', 2]] as const) {
    const [removed, t] = await timed(() => runSemclust(x, sizes, d, epsilon, sessions));
    figures[label] = { ...t, removed };
    console.log(`semclust, ${label}: ${t.seconds.toFixed(2)} s (CPU ${t.cpu.toFixed(2)} s), removed ${removed}`);
  }
  console.log(`  RSS after data ${mib(rssData)}, maxRSS ${mib(process.resourceUsage().maxRSS * 1024)}`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semclust-bench-dedup-'));
  const rowsFile = path.join(dir, 'rows.f32');
  const sizesFile = path.join(dir, 'sizes.i32');
  fs.writeFileSync(rowsFile, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  fs.writeFileSync(sizesFile, Buffer.from(sizes.buffer));
  const peer = fileURLToPath(new URL('../../bench/peers/semdedup_numpy.py', import.meta.url));
  try {
    for (const [label, threads, mine] of [['one thread', '1', 'one thread'], ['default threads', undefined, 'default (2 sessions)']] as const) {
      const env: NodeJS.ProcessEnv = { ...peerBlas().env };
      console.log(peerBlas().line);
      delete env.OPENBLAS_NUM_THREADS;
      delete env.OMP_NUM_THREADS;
      if (threads) Object.assign(env, { OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads });
      const r = spawnSync('/usr/bin/python3', [peer, rowsFile, sizesFile, String(d), String(epsilon), '1024'], { encoding: 'utf8', env });
      if (r.status !== 0) {
        console.log(`numpy peer failed (apt-get install -y python3-numpy): ${r.stderr.trim()}`);
        return;
      }
      const [seconds, cpu, maxRss, removed] = r.stdout.trim().split(/\s+/).map(Number);
      const ours = figures[mine];
      console.log(`numpy peer, ${label}: ${seconds.toFixed(2)} s (CPU ${cpu.toFixed(2)} s), removed ${removed} (semclust ${ours.removed}), maxRSS ${mib(maxRss)}`);
      console.log(`  semclust ${mine} / numpy ${label}: ${(ours.seconds / seconds).toFixed(2)}× wall time (target ≤ 1.0), ${(ours.cpu / cpu).toFixed(2)}× CPU time`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
