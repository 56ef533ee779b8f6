/**
 * `fit --k-sweep`: the table of inertia, silhouette, stability and Gini per k on four blobs
 * (test/support/four-blobs.ts, given as precomputed vectors), recorded in the manifest; nothing
 * chosen by default; --k-sweep-pick silhouette fits the true k = 4 and says why; HDBSCAN is
 * refused before any work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FILES } from '../../schemas/tables.js';
import { queryRows, runCli } from '../support/cli.js';
import { D, sample } from '../support/four-blobs.js';
import { tempDir } from '../support/paths.js';

const fitStats = (out: string) => JSON.parse(fs.readFileSync(path.join(out, FILES.manifest), 'utf8')).stages.fit.stats;

test('fit --k-sweep prints and records the sweep; --k-sweep-pick silhouette fits the true k; HDBSCAN is refused', { timeout: 120_000 }, async () => {
  const dir = tempDir('k-sweep');
  const file = path.join(dir, 'blobs.jsonl');
  // The blobs' rows only: the 4% uniform noise rows would form small clusters of their own.
  const { data, blob } = sample(1250, 3);
  const rows = [...blob.keys()].filter((i) => blob[i] >= 0);
  fs.writeFileSync(file, rows.map((i) => JSON.stringify({ text: `row ${i}`, v: Array.from(data.subarray(i * D, (i + 1) * D)) }) + '\n').join(''));
  const out = path.join(dir, 'out');
  const common = ['--embedding-column', 'v', '--plot-projection', 'pca', '--kmeans-num-clusters', '6', '--quiet'];

  const fit = await runCli(['fit', file, out, '--k-sweep', '8,2,3,4,6', ...common]);
  assert.equal(fit.code, 0, fit.stderr);
  const table = fit.stdout.slice(fit.stdout.indexOf('k-sweep on'));
  const n = rows.length.toLocaleString('en-US');
  assert.match(table, new RegExp(`^k-sweep on ${n} fit rows \\(silhouette on ${n} seeded rows, stability = mean ARI over 3 seeds`));
  assert.deepEqual(table.split('\n').slice(2, 7).map((l) => Number(l.trim().split(/\s+/)[0])), [2, 3, 4, 6, 8]);
  assert.match(fit.stderr, /k=6 as --kmeans-num-clusters says/);
  const sweep = fitStats(out).k_sweep as { k: number; inertia: number; silhouette: number; stability: number; gini: number }[];
  assert.equal(fitStats(out).clusters, 6, 'nothing chosen without --k-sweep-pick');
  assert.equal(fitStats(out).k_sweep_pick, undefined);
  const at = (k: number) => sweep.find((r) => r.k === k)!;
  // Inertia falls with k; the four blobs give the best silhouette, and seeds agree on them.
  for (let i = 1; i < sweep.length; i++) assert.ok(sweep[i].inertia < sweep[i - 1].inertia, JSON.stringify(sweep));
  for (const r of sweep) if (r.k !== 4) assert.ok(at(4).silhouette > r.silhouette, JSON.stringify(sweep));
  assert.ok(at(4).stability > 0.95, JSON.stringify(at(4)));
  // Blobs drawn with equal odds: near-equal sizes at k = 4.
  assert.ok(at(4).gini < 0.1 && at(4).gini >= 0, JSON.stringify(at(4)));

  const pick = await runCli(['fit', out, '--k-sweep', '2,3,4,6,8', '--k-sweep-pick', 'silhouette', '--quiet']);
  assert.equal(pick.code, 0, pick.stderr);
  assert.match(pick.stderr, /--k-sweep-pick silhouette chose k=4 \(instead of --kmeans-num-clusters 6\): the largest mean silhouette, 0\.\d{3} \(next best 0\.\d{3}\)/);
  assert.deepEqual(fitStats(out).k_sweep_pick.k, 4);
  assert.equal(fitStats(out).clusters, 4);
  const infer = await runCli(['infer', out, '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);
  assert.deepEqual(await queryRows(out, 'SELECT count(DISTINCT cluster)::INT AS k FROM labels'), [{ k: 4 }]);
  // report.html shows the sweep as a table with the fitted k in bold, and hands it to the page script.
  const page = fs.readFileSync(path.join(out, FILES.report), 'utf8');
  const shown = page.match(/<table id="k-sweep">(.*?)<\/table>/s)![1];
  assert.deepEqual([...shown.matchAll(/<tr[^>]*><td>(\d+)<\/td>/g)].map((m) => Number(m[1])), [2, 3, 4, 6, 8]);
  assert.match(shown, /<tr style="font-weight:bold"[^>]*><td>4<\/td>/);
  assert.match(page, /k = 4 chosen by --k-sweep-pick silhouette/);
  const pageData = JSON.parse(page.match(/<script type="application\/json" id="semclust-data">(.*?)<\/script>/s)![1]);
  assert.deepEqual(pageData.kSweep, { rows: fitStats(out).k_sweep, fitted: 4, rule: 'silhouette' });

  const hdbscan = await runCli(['fit', out, '--cluster-alg', 'hdbscan', '--k-sweep', '2,4']);
  assert.equal(hdbscan.code, 2, hdbscan.stderr);
  assert.match(hdbscan.stderr, /--k-sweep compares k-means fits, but cluster_alg is hdbscan/);
  assert.equal(fitStats(out).clusters, 4, 'the refused command changed nothing');
});
