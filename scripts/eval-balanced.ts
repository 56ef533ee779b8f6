/**
 * Balanced sampling on an imbalanced Banking77: the 77 intents cut to a Zipf-like spread
 * (the intent of rank r keeps round(400 / r) texts, at least 5 and at most what it has —
 * no Banking77 intent holds 400 texts, so the first ranks are capped), intent order and
 * texts chosen by seed 77. Then embed → fit (k-means, k = 77) → infer, and a 1% (and 5%)
 * sample by each rule; printed: distinct intents in the sample, mean of 5 seeds, and its ratio
 * to a uniform random sample of the same size (seeded, drawn here from all rows); then the p90
 * distance from a row to its nearest pick (the sample stage's coverage, issue 22) for the rule
 * and for the stage's 5 random samples of the same size, mean of the seeds.
 *
 *   npm run eval:balanced      (needs ../shared/data/banking77/banking77.jsonl, see scripts/banking77-data.ts)
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRng, sampleIndices, shuffleInPlace } from '../core/util/random.js';
import { withRunDatabase } from '../operators/duckdb/duckdb-views.js';
import { runStages } from '../pipeline/run/run-stages.js';
import type { CoverageStats } from '../pipeline/report/coverage-table.js';
import { ROWS, SAMPLE } from '../schemas/tables.js';
import { banking77File } from './banking77-data.js';
import { REPO_ROOT } from './repo-root.js';

const SEEDS = [1, 2, 3, 4, 5];
const SHARES = [0.01, 0.05];
const RULES: { name: string; values: Record<string, unknown> }[] = [
  { name: 'sqrt + random', values: { per_cluster: 'sqrt', within: 'random' } },
  { name: 'sqrt + diverse', values: { per_cluster: 'sqrt', within: 'diverse' } },
  { name: 'equal + diverse', values: { per_cluster: 'equal', within: 'diverse' } },
  { name: 'sqrt + farthest', values: { per_cluster: 'sqrt', within: 'farthest' } },
  { name: 'equal + farthest', values: { per_cluster: 'equal', within: 'farthest' } },
  { name: 'balanced (flat) + random', values: { per_cluster: 'balanced', within: 'random' } },
  { name: 'balanced 10 + random', values: { per_cluster: 'balanced', hierarchy_clusters: [10], within: 'random' } },
  { name: 'balanced 30 + random', values: { per_cluster: 'balanced', hierarchy_clusters: [30], within: 'random' } },
  { name: 'balanced 30 no-resample', values: { per_cluster: 'balanced', hierarchy_clusters: [30], hierarchy_resampling: 0, within: 'random' } },
  { name: 'balanced 20,5 + random', values: { per_cluster: 'balanced', hierarchy_clusters: [20, 5], within: 'random' } },
  { name: 'balanced 20,5 + diverse', values: { per_cluster: 'balanced', hierarchy_clusters: [20, 5], within: 'diverse' } },
];

function imbalanced(source: string): { lines: string[]; sizes: number[] } {
  const rows = fs.readFileSync(source, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; category: string });
  const byIntent = new Map<string, typeof rows>();
  for (const r of rows) byIntent.set(r.category, [...(byIntent.get(r.category) ?? []), r]);
  const rng = createRng(77);
  const intents = shuffleInPlace([...byIntent.keys()].sort(), rng);
  const lines: string[] = [];
  const sizes: number[] = [];
  intents.forEach((intent, r) => {
    const all = byIntent.get(intent)!;
    const n = Math.min(all.length, Math.max(5, Math.round(400 / (r + 1))));
    sizes.push(n);
    for (const i of sampleIndices(all.length, n, rng)) lines.push(JSON.stringify(all[i]));
  });
  return { lines: shuffleInPlace(lines, rng), sizes };
}

async function sampledIntents(outDir: string): Promise<number> {
  return withRunDatabase(outDir, async (conn) => {
    const r = await conn.runAndReadAll(
      `SELECT count(DISTINCT json_extract_string(r.${ROWS.col.record}, '$.category'))::INT FROM ${SAMPLE.name} s JOIN ${ROWS.name} r USING (${ROWS.col.id})`,
    );
    return Number(r.getRowsJS()[0][0]);
  });
}

async function main(): Promise<void> {
  const source = banking77File();
  const outRoot = path.join(REPO_ROOT, 'out', 'eval-balanced');
  fs.mkdirSync(outRoot, { recursive: true });
  const { lines, sizes } = imbalanced(source);
  const input = path.join(outRoot, 'banking77-zipf.jsonl');
  fs.writeFileSync(input, lines.join('\n') + '\n');
  const intents = lines.map((l) => (JSON.parse(l) as { category: string }).category);
  console.log(`${lines.length} rows in 77 intents, sizes ${sizes[0]}, ${sizes[1]}, ${sizes[2]}, … ${sizes[sizes.length - 1]} (seed 77); k-means k = 77; built-in model`);
  const quiet = { quiet: true, log: () => {} };
  const results = new Map<string, number[]>();
  const p90 = new Map<string, { rule: number[]; random: number[] }>();
  for (const seed of SEEDS) {
    const outDir = path.join(outRoot, `seed-${seed}`);
    const base = { input, output_dir: outDir, kmeans_num_clusters: 77, seed };
    await runStages({ outDir, stages: ['embed', 'fit', 'infer'], layers: [{ origin: 'eval', values: base }], ...quiet });
    for (const share of SHARES) {
      const size = Math.max(1, Math.round(lines.length * share));
      const rng = createRng(seed);
      const random = new Set(Array.from(sampleIndices(lines.length, size, rng), (i) => intents[i])).size;
      results.set(`${share} random (uniform)`, [...(results.get(`${share} random (uniform)`) ?? []), random]);
      for (const rule of RULES) {
        const state = await runStages({ outDir, stages: ['sample'], layers: [{ origin: 'eval', values: { ...base, sample_size: size, ...rule.values } }], ...quiet });
        const key = `${share} ${rule.name}`;
        results.set(key, [...(results.get(key) ?? []), await sampledIntents(outDir)]);
        const coverage = state.stats('sample').coverage as CoverageStats;
        const d = p90.get(key) ?? { rule: [], random: [] };
        d.rule.push(coverage.rule.p90);
        d.random.push(coverage.random_mean.p90);
        p90.set(key, d);
      }
    }
  }
  for (const share of SHARES) {
    const size = Math.max(1, Math.round(lines.length * share));
    const base = results.get(`${share} random (uniform)`)!;
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    console.log(`\n${share * 100}% sample (${size} rows): distinct intents, mean of ${SEEDS.length} seeds`);
    for (const name of ['random (uniform)', ...RULES.map((r) => r.name)]) {
      const v = results.get(`${share} ${name}`)!;
      console.log(`  ${name.padEnd(26)} ${mean(v).toFixed(1).padStart(5)}  ×${(mean(v) / mean(base)).toFixed(2)}  (${v.join(', ')})`);
    }
    console.log(`\n${share * 100}% sample: p90 distance from a row to its nearest pick (lower covers better), mean of ${SEEDS.length} seeds`);
    console.log(`  ${'rule'.padEnd(26)}   rule  random  rule/random`);
    for (const rule of RULES) {
      const d = p90.get(`${share} ${rule.name}`)!;
      console.log(`  ${rule.name.padEnd(26)} ${mean(d.rule).toFixed(4)}  ${mean(d.random).toFixed(4)}  ×${(mean(d.rule) / mean(d.random)).toFixed(3)}`);
    }
  }
}

await main();
