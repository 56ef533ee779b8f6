/**
 * The whole command line at the k that curation uses (`npm run bench:kmeans-cli`, issue 20):
 * 1M rows of precomputed 384-d vectors (blobs around 10,000 centres, written once by DuckDB into
 * a Parquet list column), then `embed --embedding-column`, `fit --fit-sample 0.2` at k = 10,000,
 * `infer`, `sample --sample-size 10000`, and balanced hierarchical sampling with levels
 * 10,000 → 1,000 → 100. Each command runs in its own process through measure-cli.js, so each
 * line gives that stage's wall time and peak RSS; the hierarchical sample's line is followed by
 * the time of each level (from the manifest).
 *
 * Usage: node dist/bench/kmeans-cli.js [--rows 1000000] [--k 10000] [--levels 1000,100]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, k: { type: 'string', default: '10000' }, levels: { type: 'string', default: '1000,100' } } });
const ROWS = Number(args.rows), K = Number(args.k), D = 384;
const work = path.join(os.tmpdir(), 'semclust-bench-kmeans-cli');
const measureCli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'measure-cli.js');

/**
 * Blobs in SQL so that 1.5 GB of vectors never pass through JS: centre coordinates uniform in
 * [−1, 1], each row its centre plus uniform noise of ±0.25 per coordinate (the rows of a centre
 * lie ~2.8 from it, centres ~16 apart), drawn from hash(row, coordinate) so the file is the same
 * on every machine and thread count. semclust L2-normalises the column on read.
 */
async function writeVectors(file: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const u = (expr: string) => `((hash(${expr}) % 2000001)::DOUBLE / 1000000 - 1)`;
  try {
    await c.run(`CREATE TEMP TABLE centres AS SELECT c, list_transform(range(${D}), j -> ${u('c, j, 7')}) AS v FROM range(${K}) t(c)`);
    await c.run(
      `COPY (SELECT i AS row_number, 'row ' || i AS text,
                    list_transform(range(${D}), j -> (v[j + 1] + 0.25 * ${u('i, j, 11')})::FLOAT) AS embedding
             FROM range(${ROWS}) t(i) JOIN centres ON centres.c = hash(i, 13) % ${K} ORDER BY i)
       TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 65536)`,
    );
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

interface Measured {
  seconds: number;
  maxRssMiB: number;
}

function semclust(args: string[]): Measured {
  const r = spawnSync(process.execPath, [measureCli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`semclust ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-4000)}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { seconds: m.seconds, maxRssMiB: m.maxRssMiB };
}

fs.mkdirSync(work, { recursive: true });
const vectors = path.join(work, `vectors-${ROWS}x${D}-k${K}.parquet`);
if (!fs.existsSync(vectors)) {
  const t = performance.now();
  await writeVectors(vectors);
  console.log(`data: ${vectors} written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
} else console.log(`data: ${vectors}`);
console.log(`bench:kmeans-cli — ${ROWS.toLocaleString('en-US')} rows × ${D}, k = ${K.toLocaleString('en-US')}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);

const out = path.join(work, `out-${ROWS}-k${K}`);
fs.rmSync(out, { recursive: true, force: true });
const steps: [string, string[]][] = [
  ['embed (precomputed)', ['embed', vectors, out, '--embedding-column', 'embedding', '--quiet']],
  [`fit (20%, k = ${K})`, ['fit', out, '--fit-sample', '0.2', '--kmeans-num-clusters', String(K), '--quiet']],
  ['infer', ['infer', out, '--quiet']],
  ['sample 10,000', ['sample', out, '--sample-size', '10000', '--quiet']],
  [`sample 10,000 balanced, levels ${K},${args.levels}`, ['sample', out, '--sample-size', '10000', '--per-cluster', 'balanced', '--hierarchy-clusters', args.levels!, '--quiet']],
];
console.log('| stage | wall | rows/s | peak RSS |\n|---|---|---|---|');
for (const [name, argv] of steps) {
  const m = semclust(argv);
  console.log(`| ${name} | ${m.seconds.toFixed(1)} s | ${Math.round(ROWS / m.seconds).toLocaleString('en-US')} | ${m.maxRssMiB.toFixed(0)} MiB |`);
  if (argv.includes('--hierarchy-clusters')) {
    const levels: { k: number; seconds: number }[] = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.sample.stats.hierarchy_levels;
    let below = K;
    for (const l of levels) {
      console.log(`|   level ${below.toLocaleString('en-US')} → ${l.k.toLocaleString('en-US')} | ${l.seconds.toFixed(1)} s | | |`);
      below = l.k;
    }
  }
}
