/**
 * The sample's coverage as the manifest records it (the sample stage's `coverage` statistic)
 * and as `semclust sample` and `semclust status` print it: the rule's figures beside the mean
 * ± standard deviation of the random samples' (operators/sample/sample-coverage.ts measures them).
 */
import { z } from 'zod';
import type { CoverageFigures, CoverageResult } from '../../operators/sample/sample-coverage.js';

const figures = z.object({
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  clusters_picked: z.number(),
  cluster_jsd: z.number(),
  /** Per facet key path: total variation distance of its value shares from the population's. */
  facets: z.record(z.string(), z.number()),
});

export const coverageStats = z.object({
  /** Rows whose nearest-pick distance was measured (a seeded subset beyond 100,000), rows of the population, rows per sample, random samples compared. */
  rows: z.number(),
  population: z.number(),
  sampled: z.number(),
  random_samples: z.number(),
  rule: figures,
  random_mean: figures,
  random_sd: figures,
});
export type CoverageStats = z.infer<typeof coverageStats>;

const ROWS: { key: Exclude<keyof CoverageFigures, 'facets'>; label: string; percent?: boolean }[] = [
  { key: 'mean', label: 'mean distance to nearest pick' },
  { key: 'p50', label: 'p50 distance' },
  { key: 'p90', label: 'p90 distance' },
  { key: 'p99', label: 'p99 distance' },
  { key: 'clusters_picked', label: 'clusters with a pick', percent: true },
  { key: 'cluster_jsd', label: 'cluster shares JSD' },
];

/** Mean and (sample) standard deviation, figure by figure, over the random samples. */
export function coverageStatsOf(c: CoverageResult): CoverageStats {
  const n = c.random.length;
  const over = (f: (x: CoverageFigures) => number) => {
    const m = c.random.reduce((a, x) => a + f(x), 0) / n;
    const sd = n > 1 ? Math.sqrt(c.random.reduce((a, x) => a + (f(x) - m) ** 2, 0) / (n - 1)) : 0;
    return { m, sd };
  };
  const mean = {} as CoverageFigures;
  const sd = {} as CoverageFigures;
  for (const { key } of ROWS) ({ m: mean[key], sd: sd[key] } = over((x) => x[key]));
  mean.facets = {};
  sd.facets = {};
  for (const key of Object.keys(c.rule.facets)) ({ m: mean.facets[key], sd: sd.facets[key] } = over((x) => x.facets[key]));
  return { rows: c.rows, population: c.population, sampled: c.sampled, random_samples: n, rule: c.rule, random_mean: mean, random_sd: sd };
}

/** The table's rows: each figure's label, the rule's value and random's mean ± sd, formatted. */
export function coverageRows(c: CoverageStats): { label: string; rule: string; random: string }[] {
  const fmt = (v: number, percent?: boolean) => (percent ? `${(100 * v).toFixed(1)}%` : v.toFixed(4));
  return [
    ...ROWS.map(({ key, label, percent }) => ({ label, rule: fmt(c.rule[key], percent), random: `${fmt(c.random_mean[key], percent)} ± ${fmt(c.random_sd[key], percent)}` })),
    ...Object.keys(c.rule.facets).map((key) => ({ label: `${key} shares TVD`, rule: fmt(c.rule.facets[key]), random: `${fmt(c.random_mean.facets[key])} ± ${fmt(c.random_sd.facets[key])}` })),
  ];
}

/** What the table compares, in one sentence. */
export function coverageHeading(c: CoverageStats): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `${n(c.sampled)} picks against ${c.random_samples} seeded random samples of the same size, over ${n(c.population)} rows (${c.rows < c.population ? `distances on a seeded ${n(c.rows)}; ` : ''}Euclidean distance in the embedding space; lower is closer)`;
}

/** The table: one line per figure, `rule` (e.g. "sqrt + diverse") against random. */
export function coverageLines(c: CoverageStats, rule: string): string[] {
  const rows = coverageRows(c);
  const w = Math.max(...rows.map((r) => r.label.length));
  const rw = Math.max(rule.length, ...rows.map((r) => r.rule.length));
  return [`coverage: ${coverageHeading(c)}:`, `  ${''.padEnd(w)}  ${rule.padStart(rw)}  random (mean ± sd)`, ...rows.map((r) => `  ${r.label.padEnd(w)}  ${r.rule.padStart(rw)}  ${r.random}`)];
}
