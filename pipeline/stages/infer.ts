/**
 * Stage 3: label every embedded row with the fitted model. Parts are spread over a pool of
 * worker threads; every part yields labels/part-N and projection/part-N aligned with
 * embeddings/part-N and a ledger entry, so a rerun after a crash labels only the parts
 * not yet recorded. Then clusters.parquet, the cluster statistics and the plot. As shards
 * it splits by embeddings part (a shard labels the parts of its input units), and the
 * merge is that last step over every shard's parts.
 */
import { z } from 'zod';
import { ClusterStats, PROGRESS_DIR } from '../../schemas/manifest.js';
import { CLUSTERS, FILES, LABELS, PROJECTION } from '../../schemas/tables.js';
import type { StageStats } from './index.js';
import { SOTU } from '../cli/demo-corpus.js';
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';
import { embeddingPartFiles } from '../../operators/parquet/read-embeddings.js';
import { runPool } from '../../operators/workers/worker-pool.js';
import { shardCores, workerPool } from '../../operators/workers/threads.js';
import { clusterStats, formatClusterStats } from '../report/cluster-stats.js';
import { describeClusters, describedAs } from '../report/describe-clusters.js';
import type { Clusterer } from '../model/clusterer.js';
import { CLUSTERERS } from '../model/clusterers.js';
import { loadFitted } from '../model/fitted-model.js';
import type { InferJob, PartSummary } from './label-part.js';
import { writePlot } from '../report/plot.js';
import { writeReport } from '../report/report.js';
import type { Settings } from '../../schemas/config.js';
import type { Stage, StageRun, StageSplit, WorkUnit } from '../run/stage.js';
import { unitOfPart } from '../shard/shard-records.js';

/** A part's summary as its ledger entry (JSON: sums as base64 float64). */
export interface InferEntry {
  rows: number;
  spaceDims: number;
  counts: number[];
  sums: string | null;
}

const toEntry = (r: PartSummary): InferEntry => ({
  rows: r.rows,
  spaceDims: r.spaceDims,
  counts: Array.from(r.counts),
  sums: r.sums ? Buffer.from(r.sums.buffer, r.sums.byteOffset, r.sums.byteLength).toString('base64') : null,
});

function sumsOf(e: InferEntry): Float64Array | null {
  if (e.sums === null) return null;
  const b = Buffer.from(e.sums, 'base64');
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/**
 * The share of rows given 2-D map coordinates: every row with map_all_rows, else about the
 * report_max_points rows the map draws (a seeded sample by id). At 1M rows the UMAP transform
 * of every row was most of infer (a 20,000-row kNN per row against a 1,000-centroid search).
 */
export function mapFraction(s: Pick<Settings, 'map_all_rows' | 'report_max_points'>, rows: number): number {
  return s.map_all_rows || rows <= s.report_max_points ? 1 : s.report_max_points / rows;
}

/**
 * Every embeddings part as an infer job (part number = position in part order); parts sum
 * their rows' coordinates when the clusterer's centres are the means of their members.
 */
export function inferJobs(outDir: string, c: Clusterer, map: InferJob['map']): InferJob[] {
  const withSums = c.centroids() === null;
  return embeddingPartFiles(outDir).map((file, part) => ({ part, file, k: c.clusters, withSums, map }));
}

/**
 * Labels `jobs` on a pool of worker threads, recording each part's summary in the ledger.
 * Given `cores` (a shard's), the pool shares them out; otherwise it follows the threads setting
 * (operators/workers/threads.ts, workerPool).
 */
export async function labelParts(ctx: StageRun, jobs: readonly InferJob[], entries: Map<number, InferEntry>, options: { cores?: number; total: number | null }): Promise<void> {
  const fitted = loadFitted(ctx.outDir);
  const c = fitted.clusterer;
  const { workers, threads } = options.cores !== undefined ? workerPool(jobs.length, undefined, options.cores) : workerPool(jobs.length, ctx.settings.threads);
  const progress = ctx.progress('infer', 'rows');
  let done = [...entries.values()].reduce((n, e) => n + e.rows, 0);
  await runPool<InferJob, PartSummary>(new URL('./infer-worker.js', import.meta.url), { outDir: ctx.outDir, threads, assignNoise: c.algorithm.noise !== null && ctx.settings[c.algorithm.noise.assign] }, workers, 'label', [...jobs], (r) => {
    const entry = toEntry(r);
    ctx.ledger.record(r.part, entry);
    entries.set(r.part, entry);
    done += r.rows;
    progress.update(done, options.total ? done / options.total : null);
  });
  progress.done(done);
}

/** After every part is labelled: cluster centres, clusters.parquet, cluster statistics, plot and report. */
export async function finishInfer(ctx: StageRun, entries: ReadonlyMap<number, InferEntry>, resumedParts: number): Promise<StageStats<'infer'>> {
  const fitted = loadFitted(ctx.outDir);
  const c = fitted.clusterer;
  const k = c.clusters;
  // The model's centres, or (null) the means of their members.
  const given = c.centroids();
  const counts = new Float64Array(k);
  let spaceDims = given?.dims ?? 0;
  const sums = given ? null : new Float64Array(k * Math.max(1, ...[...entries.values()].map((e) => e.spaceDims)));
  // Part order, so the float sums are added in the same order however the parts were labelled.
  for (const part of [...entries.keys()].sort((a, b) => a - b)) {
    const e = entries.get(part)!;
    spaceDims = e.spaceDims;
    e.counts.forEach((n, j) => (counts[j] += n));
    const s = sumsOf(e);
    if (sums && s) for (let j = 0; j < s.length; j++) sums[j] += s[j];
  }
  const centroids = given?.values ?? new Float32Array(k * spaceDims);
  if (sums) for (let j = 0; j < k; j++) for (let t = 0; t < spaceDims; t++) centroids[j * spaceDims + t] = counts[j] > 0 ? sums[j * spaceDims + t] / counts[j] : 0;
  // clusters.parquet with keywords, representative texts and optional LLM labels.
  const described = await describeClusters(ctx.outDir, { sizes: counts, centroids, dims: spaceDims }, ctx.settings, ctx.log);

  const [stats, reassigned] = await withRunDatabase(ctx.outDir, async (conn) => [
    await clusterStats(conn),
    Number((await conn.runAndReadAll(`SELECT count(*) FILTER (WHERE ${LABELS.col.reassigned})::BIGINT FROM ${LABELS.name}`)).getRowsJS()[0][0]),
  ] as const);
  const result = ctx.result ?? ctx.log;
  result(formatClusterStats(stats, (j) => describedAs(described[j])));
  if (reassigned > 0) ctx.log(`infer: ${reassigned.toLocaleString('en-US')} noise rows given their most likely cluster (labels.reassigned)`);
  const method = `${c.description}${fitted.projection.kind === 'pca' ? ', PCA 2-D' : ', UMAP 2-D'}`;
  const plot = await writePlot(ctx.outDir, ctx.settings.seed, method);
  if (plot) result(`plot: ${plot}`);
  result(`report: ${await writeReport(ctx.outDir, ctx.settings)}`);
  return { rows: stats.total_rows, clusters: stats.clusters, noise_rows: stats.noise_rows, noise_fraction: stats.noise_fraction, resumed_parts: resumedParts, reassigned_rows: reassigned, cluster_stats: stats };
}

const DESCRIBE_SETTINGS = ['keywords_top', 'keywords_vocabulary', 'keywords_language', 'representatives', 'label_endpoint', 'label_model'] as const;
/** Which rows projection/ holds: every row, or about report_max_points of them. */
const MAP_SETTINGS = ['map_all_rows', 'report_max_points'] as const;

/** What the infer stage records in manifest.json. */
export const inferStats = z.object({
  rows: z.number(),
  clusters: z.number(),
  noise_rows: z.number(),
  noise_fraction: z.number(),
  resumed_parts: z.number(),
  /** Noise rows given their most likely cluster (hdbscan_assign_noise). */
  reassigned_rows: z.number().default(0),
  cluster_stats: ClusterStats,
  /** Set when the stage ran as N shards and was merged (mergeShards, pipeline/run/run-stages.ts). */
  shards: z.number().optional(),
});

type InferUnit = InferJob & WorkUnit;

/** Every embeddings part as a unit; the input unit it came from (part-U-K, or part N of one process as unit N) picks its shard. */
async function inferUnits(ctx: StageRun): Promise<InferUnit[]> {
  const c = loadFitted(ctx.outDir).clusterer;
  const map = { seed: ctx.settings.seed, fraction: mapFraction(ctx.settings, ctx.state.stats('embed').embedded) };
  return inferJobs(ctx.outDir, c, map).map((j) => ({ ...j, id: j.part, from: unitOfPart(j.file) ?? j.part }));
}

/** Labels the units the ledger does not record yet; when resuming, recorded ones are kept. */
async function labelUnits(ctx: StageRun, units: readonly InferUnit[]): Promise<{ entries: Map<number, InferEntry>; kept: number }> {
  const recorded = ctx.resuming ? (ctx.ledger.entries() as Map<number, InferEntry>) : new Map<number, InferEntry>();
  const entries = new Map<number, InferEntry>();
  for (const u of units) if (recorded.has(u.id)) entries.set(u.id, recorded.get(u.id)!);
  const jobs = units.filter((u) => !entries.has(u.id));
  const kept = entries.size;
  const rowsOf = () => [...entries.values()].reduce((n, e) => n + e.rows, 0);
  const before = rowsOf();
  const cores = ctx.shard ? shardCores(ctx.settings.threads) : undefined;
  const embedded = ctx.state.record('embed')?.status === 'complete' ? ctx.state.stats('embed').embedded : null;
  await labelParts(ctx, jobs, entries, { cores, total: ctx.shard ? null : embedded });
  if (kept > 0) ctx.log(`infer: labelled ${(rowsOf() - before).toLocaleString('en-US')} new rows; ${before.toLocaleString('en-US')} already labelled (${kept} parts kept)`);
  return { entries, kept };
}

/** Shards label the parts of their input units; the merge describes every part's clusters. */
const inferSplit: StageSplit<typeof inferStats, unknown, InferUnit> = {
  noun: 'parts',
  units: inferUnits,
  async run(ctx, _prepared, mine) {
    const { entries, kept } = await labelUnits(ctx, mine);
    const rows = [...entries.values()].reduce((n, e) => n + e.rows, 0);
    return { facts: {}, note: (kept > 0 ? ` (${kept} labelled earlier, kept)` : '') + `, ${rows.toLocaleString('en-US')} rows` };
  },
  async unfinished(ctx) {
    const recorded = ctx.ledger.entries();
    return (await inferUnits(ctx)).filter((u) => !recorded.has(u.id));
  },
  async merge(ctx) {
    const units = await inferUnits(ctx);
    const recorded = ctx.ledger.entries() as Map<number, InferEntry>;
    const stats = await finishInfer(ctx, new Map(units.map((u) => [u.id, recorded.get(u.id)!])), 0);
    return { stats, summary: `${units.length} parts, ${stats.rows.toLocaleString('en-US')} rows in ${stats.clusters} clusters` };
  },
};

export const inferStage: Stage<'infer', typeof inferStats> = {
  name: 'infer',
  command: {
    summary: 'label every row, print cluster statistics',
    usage: 'semclust infer OUTDIR',
    runs: ['embed', 'fit', 'infer'],
    help: `semclust infer [INPUT...] OUTDIR [FLAGS]
  Assigns every row to a cluster (fitting first if needed): OUTDIR/labels/ and
  OUTDIR/clusters.parquet, then prints cluster statistics. Settings an earlier
  command recorded in OUTDIR are reused; a flag that changes them says first which
  stages it redoes. Also spelled \`inference\` (the reference tool's name).

  semclust infer ${SOTU} out/sotu --kmeans-num-clusters 80
  semclust fit ${SOTU} out/sotu --kmeans-num-clusters 100 && semclust infer out/sotu
  semclust infer out/big --shard 2/4      (one of 4 shards, after fit; then semclust merge out/big)
  semclust infer new.jsonl out/new --model-from out/sotu
      (labels new rows with out/sotu's fitted model: embedded with its embedding model,
      its projection and clusters copied into out/new/model/, no fit; out/sotu is only read)
  semclust infer ${SOTU} more.jsonl out/sotu
      (after a run on ${SOTU}: embeds and labels only the rows of more.jsonl, keeps the fit)`,
  },
  hint: 'SELECT cluster, size FROM clusters ORDER BY size DESC LIMIT 10',
  outputs: [LABELS.path, PROJECTION.path, CLUSTERS.path, FILES.plot, FILES.report, `${PROGRESS_DIR}/infer`],
  stats: inferStats,
  needs: ['fit'],
  // What clusters.parquet describes each cluster with; the labels themselves depend on fit alone.
  // A clusterer's noise option (hdbscan_assign_noise) keys infer too: it changes the labels.
  settings: [...DESCRIBE_SETTINGS, ...MAP_SETTINGS, ...Object.values(CLUSTERERS).flatMap((a) => (a.noise ? [a.noise.assign] : []))],
  keyed: (s) => {
    const noise = CLUSTERERS[s.cluster_alg].noise;
    return [...DESCRIBE_SETTINGS, ...(s.map_all_rows ? (['map_all_rows'] as const) : MAP_SETTINGS), ...(noise ? [noise.assign] : [])];
  },
  resumable: true,
  // After embed took new input: only the new parts are labelled, with the model as it is.
  onExtend: 'continue',

  async run(ctx): Promise<StageStats<'infer'>> {
    const { entries, kept } = await labelUnits(ctx, await inferUnits(ctx));
    return finishInfer(ctx, entries, kept);
  },

  split: inferSplit,
};
