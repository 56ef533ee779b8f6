/**
 * npm run bench:shard — sharded embed + infer on this machine with the built-in model: rows/s
 * of `embed --shard` then `infer --shard` for 1 shard and for 2 shards run at the same time
 * (each `--threads 1`, so 2 shards use the 2 cores a 2-shard job on 2 machines would), the
 * ratio (goal ≥ 1.7×), and the time of `semclust merge` at the bench's row count (default
 * 1M: the check, the cross-unit duplicate pass over every embeddings part, rejects.jsonl and
 * the manifest). fit (k-means k = 100 on 10%, PCA plot) runs in between, untimed. Corpus:
 * bench/synthetic-jsonl.ts (needs ../shared/data/banking77, else exit 2 says how to get it).
 *
 *   npm run bench:shard [-- ROWS]     (default 1000000)
 */
import { spawn, execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticJsonl } from './synthetic-jsonl.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, '../../bin/semclust.js');
const work = path.join(os.tmpdir(), 'semclust-bench-shard');
// 8 MiB units: ~19 at 1M rows (150 MiB), so 2 shards get 10 and 9 (the 64 MiB default gives 3: 2 and 1).
const UNIT = 8 << 20;

function semclust(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`semclust ${args.join(' ')} exited ${code}:\n${err}`))));
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return (performance.now() - t) / 1000;
}

const shardsOf = (n: number, args: (i: number) => string[]) => Promise.all(Array.from({ length: n }, (_, i) => semclust(args(i))));

async function run(input: string, n: number): Promise<{ embed: number; infer: number; mergeEmbed: number; mergeInfer: number }> {
  const out = path.join(work, `out-${n}`);
  fs.rmSync(out, { recursive: true, force: true });
  const embed = await timed(() => shardsOf(n, (i) => ['embed', input, out, '--shard', `${i}/${n}`, '--threads', '1', '--shard-unit-bytes', String(UNIT)]));
  const mergeEmbed = await timed(() => semclust(['merge', out]));
  await semclust(['fit', out, '--fit-sample', '0.1', '--kmeans-num-clusters', '100', '--plot-projection', 'pca']);
  const infer = await timed(() => shardsOf(n, (i) => ['infer', out, '--shard', `${i}/${n}`, '--threads', '1']));
  const mergeInfer = await timed(() => semclust(['merge', out]));
  return { embed, infer, mergeEmbed, mergeInfer };
}

fs.mkdirSync(work, { recursive: true });
const input = path.join(work, `synthetic-${ROWS}.jsonl`);
writeSyntheticJsonl(input, ROWS);
const mib = fs.statSync(input).size / (1 << 20);
console.log(`bench:shard — ${ROWS.toLocaleString('en-US')} rows (${mib.toFixed(0)} MiB, ${Math.ceil(mib / 8)} input units of 8 MiB), built-in model, --threads 1 per shard, ${os.cpus().length} cores, node ${process.version}`);
console.log(`load before: ${execSync('uptime').toString().trim()}`);
const results = new Map<number, Awaited<ReturnType<typeof run>>>();
for (const n of [1, 2]) {
  const r = await run(input, n);
  results.set(n, r);
  const perS = ROWS / (r.embed + r.infer);
  console.log(
    `${n} shard${n > 1 ? 's' : ' '}  embed ${r.embed.toFixed(1).padStart(6)} s  infer ${r.infer.toFixed(1).padStart(6)} s  embed+infer ${Math.round(perS).toLocaleString('en-US').padStart(8)} rows/s` +
      `   merge: embed ${r.mergeEmbed.toFixed(2)} s, infer ${r.mergeInfer.toFixed(2)} s`,
  );
}
const rate = (n: number) => ROWS / (results.get(n)!.embed + results.get(n)!.infer);
console.log(`2 shards / 1 shard: ${(rate(2) / rate(1)).toFixed(2)}× (goal ≥ 1.7×)`);
console.log(`merge at ${ROWS.toLocaleString('en-US')} rows (2 shards): embed ${results.get(2)!.mergeEmbed.toFixed(2)} s, infer ${results.get(2)!.mergeInfer.toFixed(2)} s (clusters.parquet, statistics, plot, report)`);
console.log(`load after: ${execSync('uptime').toString().trim()}`);
