/**
 * Clustering quality on Banking77: runs embed → fit → infer for three seeds with the
 * given settings (default: built-in model, k-means k = 77 fitted on all rows) and prints
 * NMI and ARI of the labels against the `category` of each text; noise rows (HDBSCAN) are
 * left out of the scores and their fraction reported. Also the keyword share: the fraction
 * of clusters whose top-5 c-TF-IDF keywords contain a word of their majority intent's name
 * (`card_arrival` → "card" or "arrival"; a bigram counts by its words).
 *
 *   npm run eval:banking77
 *   npm run eval:banking77 -- examples/banking77-hdbscan.yaml     (its settings, this script's input and folders)
 *   npm run eval:banking77 -- --enable-umap --cluster-alg hdbscan --hdbscan-min-cluster-size 40
 */
import path from 'node:path';
import { adjustedRandIndex, normalizedMutualInfo } from '../core/metrics/cluster-metrics.js';
import { withRunDatabase } from '../operators/duckdb/duckdb-views.js';
import { parseArgs } from '../pipeline/settings/flags.js';
import { runStages } from '../pipeline/run/run-stages.js';
import { loadPipelineFile, resolveSettings, type SettingsLayer } from '../pipeline/settings/settings.js';
import { CLUSTERS, LABELS, ROWS } from '../schemas/tables.js';
import { banking77File } from './banking77-data.js';
import { REPO_ROOT } from './repo-root.js';

const SEEDS = [1, 2, 3];

async function scores(outDir: string) {
  return withRunDatabase(outDir, async (conn) => {
    const r = await conn.runAndReadAll(
      `SELECT l.${LABELS.col.cluster}, json_extract_string(r.${ROWS.col.record}, '$.category')
       FROM ${LABELS.name} l JOIN (SELECT DISTINCT ON (${ROWS.col.id}) * FROM ${ROWS.name}) r USING (${ROWS.col.id})`,
    );
    const rows = r.getRowsJS() as [number, string][];
    const categories = new Map<string, number>();
    const kept = rows.filter(([c]) => c >= 0);
    const pred = Int32Array.from(kept, ([c]) => c);
    const truth = Int32Array.from(kept, ([, cat]) => {
      if (!categories.has(cat)) categories.set(cat, categories.size);
      return categories.get(cat)!;
    });
    const majority = await conn.runAndReadAll(
      `SELECT cluster, arg_max(category, n) FROM (
         SELECT l.${LABELS.col.cluster} AS cluster, json_extract_string(r.${ROWS.col.record}, '$.category') AS category, count(*) AS n
         FROM ${LABELS.name} l JOIN (SELECT DISTINCT ON (${ROWS.col.id}) * FROM ${ROWS.name}) r USING (${ROWS.col.id})
         WHERE l.${LABELS.col.cluster} >= 0 GROUP BY 1, 2) GROUP BY 1`,
    );
    const intentOf = new Map(majority.getRowsJS().map(([c, cat]) => [Number(c), String(cat)]));
    const kw = await conn.runAndReadAll(`SELECT ${CLUSTERS.col.cluster}, ${CLUSTERS.col.keywords}[1:5] FROM ${CLUSTERS.name} WHERE ${CLUSTERS.col.size} > 0`);
    let hits = 0;
    let clusters = 0;
    for (const [c, list] of kw.getRowsJS() as [number, string[]][]) {
      const intent = intentOf.get(Number(c));
      if (!intent) continue;
      clusters++;
      const names = new Set(intent.toLowerCase().split('_'));
      if (list.some((k) => k.split(' ').some((w) => names.has(w)))) hits++;
    }
    const keywordShare = clusters > 0 ? hits / clusters : 0;
    return { nmi: normalizedMutualInfo(truth, pred), ari: adjustedRandIndex(truth, pred), noise: 1 - kept.length / rows.length, rows: rows.length, keywordShare };
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const layers: SettingsLayer[] = args.positionals.map((file) => {
    const { origin, values } = loadPipelineFile(file);
    const { input: _input, output_dir: _out, stages: _stages, ...rest } = values;
    return { origin, values: rest };
  });
  const data = banking77File();
  const results: Awaited<ReturnType<typeof scores>>[] = [];
  for (const seed of SEEDS) {
    const outDir = path.join(REPO_ROOT, 'out', 'eval-banking77', `seed-${seed}`);
    const runLayers = [
      { origin: 'eval defaults', values: { input: data, output_dir: outDir, kmeans_num_clusters: 77, fit_sample: 1 } },
      ...layers,
      args.settings,
      { origin: 'eval', values: { seed } },
    ];
    const settings = resolveSettings(runLayers);
    await runStages({ outDir, stages: ['embed', 'fit', 'infer'], layers: runLayers, quiet: true, log: () => {} });
    const s = await scores(outDir);
    results.push(s);
    console.log(`seed ${seed}: NMI ${s.nmi.toFixed(4)}  ARI ${s.ari.toFixed(4)}  noise ${(s.noise * 100).toFixed(1)}%  keyword share ${s.keywordShare.toFixed(3)}  (${s.rows} rows, ${settings.cluster_alg}${settings.enable_umap ? ' on UMAP' : ''}, model ${settings.embedding_model})`);
  }
  const mean = (f: (r: (typeof results)[number]) => number) => results.reduce((a, r) => a + f(r), 0) / results.length;
  console.log(`mean over ${SEEDS.length} seeds: NMI ${mean((r) => r.nmi).toFixed(4)}  ARI ${mean((r) => r.ari).toFixed(4)}  noise ${(mean((r) => r.noise) * 100).toFixed(1)}%  keyword share ${mean((r) => r.keywordShare).toFixed(3)} (clusters whose top-5 keywords name their majority intent)`);
}

await main();
