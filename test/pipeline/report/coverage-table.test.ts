import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageLines, coverageStatsOf } from '../../../pipeline/report/coverage-table.js';
import type { CoverageFigures } from '../../../operators/sample/sample-coverage.js';

const fig = (mean: number, party: number): CoverageFigures => ({ mean, p50: mean, p90: 2 * mean, p99: 3 * mean, clusters_picked: mean / 2, cluster_jsd: 0.01, facets: { party } });

test('coverageStatsOf: the random samples as mean and sample standard deviation, figure by figure and facet by facet', () => {
  const c = coverageStatsOf({ rows: 500, population: 500, sampled: 20, rule: fig(0.5, 0.1), random: [fig(0.6, 0.2), fig(0.8, 0.4), fig(1.0, 0.3)] });
  assert.equal(c.random_samples, 3);
  assert.ok(Math.abs(c.random_mean.mean - 0.8) < 1e-12);
  assert.ok(Math.abs(c.random_sd.mean - 0.2) < 1e-12, 'sd of 0.6, 0.8, 1.0 is 0.2');
  assert.ok(Math.abs(c.random_mean.p90 - 1.6) < 1e-12);
  assert.ok(Math.abs(c.random_mean.facets.party - 0.3) < 1e-12);
  assert.ok(Math.abs(c.random_sd.facets.party - 0.1) < 1e-12);
  assert.deepEqual(c.rule, fig(0.5, 0.1));

  const lines = coverageLines(c, 'sqrt + diverse');
  assert.match(lines[0], /^coverage: 20 picks against 3 seeded random samples of the same size, over 500 rows/);
  assert.match(lines[1], /sqrt \+ diverse  random \(mean ± sd\)$/);
  assert.match(lines.find((l) => l.includes('p90'))!, /p90 distance\s+1\.0000  1\.6000 ± 0\.4000$/);
  assert.match(lines.find((l) => l.includes('clusters'))!, /clusters with a pick\s+25\.0%  40\.0% ± 10\.0%$/);
  assert.match(lines[lines.length - 1], /party shares TVD\s+0\.1000  0\.3000 ± 0\.1000$/);
  const subset = coverageLines({ ...c, rows: 100, population: 500 }, 'sqrt + random');
  assert.match(subset[0], /over 500 rows \(distances on a seeded 100; Euclidean distance/);
});
