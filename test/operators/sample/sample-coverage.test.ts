import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { measureCoverage } from '../../../operators/sample/sample-coverage.js';
import { writeEmbeddingsPart, writeLabelsPart, writeRowsPart, writeSample, writeDedupPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

/**
 * 40 rows on a line: row x sits at (x, 0); x < 10 is cluster 0, 10–29 cluster 1, 30–39 noise.
 * Records carry `parity` ("even"/"odd"), except x = 0, whose record lacks it. Two parts.
 */
function run(sample: number[]) {
  const out = tempDir('coverage');
  const id = (x: number) => `r${x}`;
  const cluster = (x: number) => (x < 10 ? 0 : x < 30 ? 1 : -1);
  for (const [p, xs] of [Array.from({ length: 25 }, (_, i) => i), Array.from({ length: 15 }, (_, i) => 25 + i)].entries()) {
    writeEmbeddingsPart(out, p, xs.map(id), Float32Array.from(xs.flatMap((x) => [x, 0])), 2);
    writeLabelsPart(out, p, xs.map(id), xs.map(cluster));
    writeRowsPart(out, p, xs.map((x) => ({ id: id(x), text: `t${x}`, line: x + 1, record: x === 0 ? { text: 't0' } : { text: `t${x}`, parity: x % 2 ? 'odd' : 'even' } })));
  }
  writeSample(out, sample.map((x, pick) => ({ id: id(x), cluster: cluster(x), pick })));
  return out;
}

/** Brute force: each row's distance to the nearest of `picked` (positions on the line). */
const distances = (rows: number[], picked: number[]) => rows.map((x) => Math.min(...picked.map((p) => Math.abs(x - p)))).sort((a, b) => a - b);
const lowerRank = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))];
const within = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 0.001 * want + 1e-6, `${what}: ${got} vs ${want}`);
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

test('measureCoverage, by hand: picks at 5 and 15 of 0…39 give the nearest-pick distances, 2 of 2 clusters, the cluster JSD and the facet TVD', async () => {
  const out = run([5, 15]);
  const c = await withRunDatabase(out, (conn) => measureCoverage(conn, { seed: 42, randomSamples: 3, facets: ['parity'], blockRows: 7 }));
  assert.equal(c.rows, 40);
  assert.equal(c.population, 40);
  assert.equal(c.sampled, 2);
  const all = Array.from({ length: 40 }, (_, x) => x);
  const d = distances(all, [5, 15]);
  within(c.rule.mean, d.reduce((a, b) => a + b, 0) / 40, 'mean');
  within(c.rule.p50, lowerRank(d, 0.5), 'p50');
  within(c.rule.p90, lowerRank(d, 0.9), 'p90');
  within(c.rule.p99, lowerRank(d, 0.99), 'p99');
  assert.equal(c.rule.clusters_picked, 1);
  // Shares (noise, 0, 1): sample (0, ½, ½), population (¼, ¼, ½); M = (⅛, ⅜, ½).
  const jsd = 0.5 * (0.5 * Math.log2(0.5 / 0.375)) + 0.5 * (0.25 * Math.log2(0.25 / 0.125) + 0.25 * Math.log2(0.25 / 0.375));
  assert.ok(Math.abs(c.rule.cluster_jsd - jsd) < 1e-12, `${c.rule.cluster_jsd} vs ${jsd}`);
  // Both picks are odd; the population is 20 odd, 19 even, 1 missing: TVD = ½(½ + 19/40 + 1/40) = ½.
  assert.ok(Math.abs(c.rule.facets.parity - 0.5) < 1e-12, String(c.rule.facets.parity));

  // Each random sample: 2 ids in md5("coverage:42:R:" + id) order over all 40 labelled rows.
  assert.equal(c.random.length, 3);
  c.random.forEach((r, i) => {
    const picked = all.sort((a, b) => (md5(`coverage:42:${i + 1}:r${a}`) < md5(`coverage:42:${i + 1}:r${b}`) ? -1 : 1)).slice(0, 2);
    const rd = distances(Array.from({ length: 40 }, (_, x) => x), picked);
    within(r.mean, rd.reduce((a, b) => a + b, 0) / 40, `random ${i + 1} mean`);
    within(r.p90, lowerRank(rd, 0.9), `random ${i + 1} p90`);
    const clusters = new Set(picked.map((x) => (x < 10 ? 0 : x < 30 ? 1 : -1)).filter((k) => k >= 0));
    assert.equal(r.clusters_picked, clusters.size / 2, `random ${i + 1} clusters`);
  });
});

test('measureCoverage after dedup: only the kept rows are the population, and a pick covers itself at distance 0', async () => {
  const out = run([0, 39]);
  // Dedup kept the even rows and 39.
  const kept = (x: number) => x % 2 === 0 || x === 39;
  writeDedupPart(out, 0, Array.from({ length: 40 }, (_, x) => `r${x}`), Array.from({ length: 40 }, (_, x) => kept(x)));
  const c = await withRunDatabase(out, (conn) => measureCoverage(conn, { seed: 1, randomSamples: 1, facets: [] }), { keptOnly: true });
  const rows = Array.from({ length: 40 }, (_, x) => x).filter(kept);
  assert.equal(c.rows, rows.length);
  const d = distances(rows, [0, 39]);
  within(c.rule.mean, d.reduce((a, b) => a + b, 0) / rows.length, 'mean');
  assert.deepEqual(c.rule.facets, {});
  assert.equal(d[0], 0);
});

test('measureCoverage beyond maxRows: distances over the first maxRows ids in md5("coverage-rows:SEED:" + id) order, shares over every row', async () => {
  const out = run([5, 15]);
  const c = await withRunDatabase(out, (conn) => measureCoverage(conn, { seed: 9, randomSamples: 1, facets: ['parity'], maxRows: 10 }));
  assert.equal(c.rows, 10);
  assert.equal(c.population, 40);
  const subset = Array.from({ length: 40 }, (_, x) => x)
    .sort((a, b) => (md5(`coverage-rows:9:r${a}`) < md5(`coverage-rows:9:r${b}`) ? -1 : 1))
    .slice(0, 10);
  const d = distances(subset, [5, 15]);
  within(c.rule.mean, d.reduce((a, b) => a + b, 0) / 10, 'mean over the subset');
  assert.ok(Math.abs(c.rule.facets.parity - 0.5) < 1e-12, 'facet shares over all 40 rows');
});

