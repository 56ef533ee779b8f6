/**
 * A new ε on a 200k-row run: `semclust dedup` with exact + semantic from scratch at ε = 0.01 and
 * at ε = 0.02 (today's cost of a changed ε: the whole semantic pass again), then with
 * --dedup-epsilon-bound 0.05 (the ε-free pass that stores the pairs) and a changed ε after it
 * (only the selection over the stored pairs). The peer is the full rerun at the same ε in the
 * same folder; the removed counts of the two must agree. Input: bench/synthetic-jsonl.ts rows
 * (two Banking77 queries each) embedded with the built-in model, k = 200. The run folder is
 * kept in the temp folder between runs and copied for each (its embed, fit and infer are not timed here).
 *
 * Usage: node dist/bench/dedup-epsilon.js [rows=200000]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticJsonl } from './synthetic-jsonl.js';

const rows = Number(process.argv[2] ?? 200_000);
const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(os.tmpdir(), 'semclust-bench-dedup-epsilon');
const input = path.join(work, `synthetic-${rows}.jsonl`);
/** embed + fit + infer, never deduplicated: each run copies it, so no dedup setting is remembered from the last. */
const base = path.join(work, `infer-${rows}`);
const out = path.join(work, `dedup-${rows}`);

interface Measured {
  seconds: number;
  cpuSeconds: number;
  maxRssMiB: number;
}

function cli(args: string[]): Measured {
  const r = spawnSync(process.execPath, [path.join(here, 'measure-cli.js'), ...args, '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`semclust ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const dedupStats = () => JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.dedup.stats;

fs.mkdirSync(work, { recursive: true });
writeSyntheticJsonl(input, rows);
if (!fs.existsSync(path.join(base, 'labels'))) {
  const infer = cli(['infer', input, base, '--fit-sample', '0.1', '--kmeans-num-clusters', '200']);
  console.log(`setup: embed + fit + infer of ${rows.toLocaleString('en-US')} rows in ${infer.seconds.toFixed(1)} s`);
}
fs.rmSync(out, { recursive: true, force: true });
fs.cpSync(base, out, { recursive: true });
console.log(`bench:dedup ε — ${rows.toLocaleString('en-US')} rows, built-in model, k = 200, exact + semantic, ${os.cpus().length} cores, node ${process.version}`);
const methods = ['--dedup-methods', 'exact,semantic'];
const steps: [string, string[]][] = [
  ['from scratch, ε = 0.01', ['dedup', out, ...methods, '--dedup-epsilon', '0.01']],
  ['from scratch, ε = 0.02 (today: a new ε)', ['dedup', out, '--dedup-epsilon', '0.02']],
  ['bound 0.05: the pass with pairs, ε = 0.01', ['dedup', out, '--dedup-epsilon-bound', '0.05', '--dedup-epsilon', '0.01']],
  ['bound 0.05: reselected at ε = 0.02', ['dedup', out, '--dedup-epsilon', '0.02']],
];
const results: { name: string; m: Measured; removed: number; pass: string | null; pairs: number }[] = [];
for (const [name, args] of steps) {
  const m = cli(args);
  const s = dedupStats();
  results.push({ name, m, removed: s.removed_by.semantic, pass: s.semantic_pass, pairs: s.semantic_pairs });
  console.log(`${name.padEnd(44)} ${m.seconds.toFixed(2).padStart(8)} s (CPU ${m.cpuSeconds.toFixed(2).padStart(6)} s)  peak RSS ${m.maxRssMiB.toFixed(0).padStart(5)} MiB  semantic removed ${String(s.removed_by.semantic).padStart(7)}  pass ${s.semantic_pass ?? '-'}  pairs ${s.semantic_pairs}`);
}
const [, full02, withPairs, reselected] = results;
const ratio = (a: Measured, b: Measured) => `${(a.seconds / b.seconds).toFixed(3)} wall, ${(a.cpuSeconds / b.cpuSeconds).toFixed(3)} CPU`;
console.log(`a new ε: reselection / full rerun = ${ratio(reselected.m, full02.m)}; the pass that stores pairs / the plain pass (ε = 0.01) = ${ratio(withPairs.m, results[0].m)}`);
if (reselected.removed !== full02.removed) {
  console.log(`removed counts differ: ${reselected.removed} reselected vs ${full02.removed} full`);
  process.exitCode = 1;
}
