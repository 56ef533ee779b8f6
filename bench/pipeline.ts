/**
 * npm run bench:pipeline — the whole k-means pipeline on synthetic JSONL with the built-in
 * model, each stage as its own `semclust` process: embed, fit (10% sample, k = 1000),
 * infer, sample (10,000 rows, sqrt, diverse). Prints rows/s and peak RSS per stage at 100k
 * and at 1M rows, and the RSS ratio (target ≤ 1.3). Then diverse sampling inside one
 * 200k-row cluster (bench/farthest-point.ts), whose RSS must show no n × n matrix.
 *
 *   npm run bench:pipeline [-- ROWS [K]]     (defaults 1000000 and 1000)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticJsonl } from './synthetic-jsonl.js';

const BIG = Number(process.argv[2] ?? 1_000_000);
const K = Number(process.argv[3] ?? 1000);
const SMALL = Math.min(100_000, BIG);
const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(os.tmpdir(), 'semclust-bench-pipeline');

interface Measured {
  seconds: number;
  maxRssMiB: number;
}

function cli(args: string[]): Measured {
  const r = spawnSync(process.execPath, [path.join(here, 'measure-cli.js'), ...args, '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`semclust ${args[0]} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function run(rows: number): Record<string, Measured> {
  const input = path.join(work, `synthetic-${rows}.jsonl`);
  writeSyntheticJsonl(input, rows);
  const out = path.join(work, `out-${rows}`);
  fs.rmSync(out, { recursive: true, force: true });
  const common = ['--fit-sample', '0.1', '--kmeans-num-clusters', String(K)];
  return {
    embed: cli(['embed', input, out]),
    fit: cli(['fit', input, out, ...common]),
    infer: cli(['infer', input, out, ...common]),
    sample: cli(['sample', out, '--sample-size', '10000', '--per-cluster', 'sqrt', '--within', 'diverse']),
  };
}

fs.mkdirSync(work, { recursive: true });
console.log(`bench:pipeline — built-in model, k = ${K}, fit on 10%, ${os.cpus().length} cores, node ${process.version}`);
const results = new Map<number, Record<string, Measured>>();
for (const rows of [SMALL, BIG]) {
  const r = run(rows);
  results.set(rows, r);
  for (const [stage, m] of Object.entries(r)) {
    const perS = stage === 'fit' ? (rows * 0.1) / m.seconds : rows / m.seconds;
    const unit = stage === 'fit' ? 'fitted rows/s' : 'rows/s';
    console.log(`${rows.toLocaleString('en-US').padStart(9)} rows  ${stage.padEnd(6)} ${m.seconds.toFixed(2).padStart(8)} s  ${Math.round(perS).toLocaleString('en-US').padStart(9)} ${unit.padEnd(14)} peak RSS ${m.maxRssMiB.toFixed(0)} MiB`);
  }
}
const peak = (rows: number) => Math.max(...Object.values(results.get(rows)!).map((m) => m.maxRssMiB));
console.log(`peak RSS over all stages: ${peak(SMALL).toFixed(0)} MiB at ${SMALL.toLocaleString('en-US')} rows, ${peak(BIG).toFixed(0)} MiB at ${BIG.toLocaleString('en-US')} rows, ratio ${(peak(BIG) / peak(SMALL)).toFixed(3)} (target ≤ 1.3)`);

console.log('\ndiverse sampling inside one 200k-row cluster of 100-d rows (the built-in model):');
const fp = spawnSync(process.execPath, [path.join(here, 'farthest-point.js'), '200000', '100', '1000'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
process.stdout.write(fp.stdout);
