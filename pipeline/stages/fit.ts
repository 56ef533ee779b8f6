/**
 * Stage 2: fit on a seeded sample of the embeddings — the projection (UMAP to the
 * clustering space and 2-D when enabled, else a UMAP or PCA 2-D map), then the clusterer
 * `cluster_alg` names (pipeline/model/clusterers.ts) in the clustering space — and save both
 * under OUTDIR/model/. With model_from it fits nothing: another run's model is copied
 * (pipeline/model/model-from.ts), and that run's settings are this one's.
 */
import { z } from 'zod';
import { FILES } from '../../schemas/tables.js';
import type { StageStats } from './index.js';
import { SOTU } from '../cli/demo-corpus.js';
import { fitPca } from '../../core/pca/pca.js';
import { createRng, sampleIndices } from '../../core/util/random.js';
import { fitUmap } from '../../core/umap/fit-umap.js';
import { settingsShape, type Settings } from '../../schemas/config.js';
import { gatherRows } from '../../operators/parquet/read-embeddings.js';
import { CLUSTERERS } from '../model/clusterers.js';
import { modelDir, projectBlock, saveProjection, type Projection } from '../model/fitted-model.js';
import { copyFittedModel, modelFromLayer, openModelSource } from '../model/model-from.js';
import { FitProgress } from './fit-progress.js';
import { checkKSweep, formatKSweep, kSweepRow, pickK, sweepK } from './fit-k-sweep.js';
import type { Stage } from '../run/stage.js';
import { takeRows } from '../../core/util/rows.js';

/** A fraction (≤ 1) of `total` rows or a row count, at least one row. */
export function sampleCount(spec: number, total: number): number {
  return spec <= 1 ? Math.max(1, Math.round(total * spec)) : Math.min(spec, total);
}

/** Rows per block when projecting the fit sample (bounds transform memory). */
const PROJECT_BLOCK = 16384;

async function fitProjection(s: Settings, sample: Float32Array, rows: number, dims: number, log: (m: string) => void, quiet: boolean): Promise<Projection> {
  if (!s.enable_umap && s.plot_projection === 'pca') return { kind: 'pca', pca: fitPca(sample, rows, dims, 2, s.seed) };
  // Without --enable-umap the map is still UMAP (PCA of 77 topics is one unreadable cloud);
  // it is fitted on at most umap_fit_sample rows and only for the picture.
  const outputs = s.enable_umap ? [s.umap_dim, 2] : [2];
  const umapRows = sampleCount(s.umap_fit_sample, rows);
  const picked = sampleIndices(rows, umapRows, createRng(s.seed + 1));
  const data = takeRows(sample, dims, picked);
  log(`fit: UMAP → ${s.enable_umap ? `${s.umap_dim}-d and 2-d` : '2-d map'} on ${umapRows.toLocaleString('en-US')} rows (${s.umap_n_neighbors} neighbours, ${s.umap_metric})`);
  const progress = new FitProgress('fit: UMAP', quiet);
  const umap = await fitUmap(data, dims, {
    dims: outputs,
    nNeighbors: s.umap_n_neighbors,
    minDist: s.umap_min_dist,
    metric: s.umap_metric,
    seed: s.seed,
    threads: s.threads,
    onProgress: progress.onProgress,
  });
  progress.finish();
  return { kind: s.enable_umap ? 'umap' : 'umap-map', umap };
}

/** The fit sample in the clustering space: UMAP-transformed in blocks, or as is. */
async function clusteringSpace(p: Projection, sample: Float32Array, rows: number, dims: number, threads?: number): Promise<{ values: Float32Array; dims: number }> {
  if (p.kind !== 'umap') return { values: sample, dims };
  const out = new Float32Array(rows * p.umap.dims[0]);
  for (let start = 0; start < rows; start += PROJECT_BLOCK) {
    const n = Math.min(PROJECT_BLOCK, rows - start);
    const { space } = await projectBlock(p, sample.subarray(start * dims, (start + n) * dims), n, dims, threads);
    out.set(space, start * p.umap.dims[0]);
  }
  return { values: out, dims: p.umap.dims[0] };
}

const UMAP_SETTINGS = ['umap_dim', 'umap_n_neighbors', 'umap_min_dist', 'umap_metric', 'umap_fit_sample'] as const;
const COMMON = ['fit_sample', 'seed', 'cluster_alg', 'enable_umap'] as const;
const K_SWEEP = ['k_sweep', 'k_sweep_pick'] as const;

/** What the fit stage records in manifest.json. */
export const fitStats = z.object({
  fit_rows: z.number(),
  algorithm: settingsShape.cluster_alg.unwrap(),
  projection: z.string(),
  clusters: z.number(),
  inertia: z.number().optional(),
  iterations: z.number().optional(),
  fit_noise_fraction: z.number().optional(),
  /** With model_from: the key of the other run's fit, whose model/ was copied here (a refit there redoes the copy). */
  model_from_fit: z.string().optional(),
  /** --k-sweep: one row per swept k (fit-k-sweep.ts), and the k --k-sweep-pick chose. */
  k_sweep: z.array(kSweepRow).optional(),
  k_sweep_pick: z.object({ rule: z.enum(['elbow', 'silhouette']), k: z.number(), why: z.string() }).optional(),
});

export const fitStage: Stage<'fit', typeof fitStats> = {
  name: 'fit',
  command: {
    summary: 'fit k-means / HDBSCAN on a sample',
    usage: 'semclust fit OUTDIR (or infer, which refits and relabels)',
    runs: ['embed', 'fit'],
    help: `semclust fit [INPUT...] OUTDIR [FLAGS]
  Embeds if needed, then fits the cluster model on a seeded sample and saves it in
  OUTDIR/model/: JSON metadata plus raw little-endian arrays (numpy.fromfile reads
  them); never a pickle. Without INPUT it uses the input OUTDIR recorded.

  semclust fit ${SOTU} out/sotu --kmeans-num-clusters 80
  semclust fit big.jsonl out/big --fit-sample 0.1 --kmeans-num-clusters 1000
  semclust fit big.jsonl out/big --fit-sample 0.1 --k-sweep 50,100,200,500,1000 --k-sweep-pick silhouette
  semclust fit big.jsonl out/big --enable-umap --cluster-alg hdbscan --hdbscan-min-cluster-size 50
  semclust fit new.jsonl out/new --model-from out/big     (no fit: copies out/big's model, embeds with its model)`,
  },
  hint: 'SELECT count(*) AS embedded FROM embeddings',
  outputs: [FILES.model],
  stats: fitStats,
  needs: ['embed'],
  settings: [...COMMON, 'model_from', 'plot_projection', ...Object.values(CLUSTERERS).flatMap((a) => a.settings), ...UMAP_SETTINGS, ...K_SWEEP],
  keyed: (s) => [
    ...COMMON,
    ...(s.model_from ? (['model_from'] as const) : []),
    ...(s.k_sweep ? K_SWEEP : []),
    ...CLUSTERERS[s.cluster_alg].settings,
    ...(s.enable_umap ? [] : (['plot_projection'] as const)),
    ...(s.enable_umap || s.plot_projection === 'umap' ? UMAP_SETTINGS : []),
  ],
  borrowed: modelFromLayer,
  // New input appended to embed is labelled with the model as it is: refitting is asked for, never implied.
  onExtend: 'keep',
  // With model_from, the other run's fit keys this one: a refit there redoes the copy when --model-from is given again.
  identity: async (s, _outDir, state, given) => {
    if (!s.model_from) return { key: {}, changes: [] };
    const before = state.isComplete('fit') ? state.stats('fit').model_from_fit : undefined;
    const now = given.has('model_from') || before === undefined ? openModelSource(s.model_from).fitKey : before;
    const changes = before !== undefined && before !== now ? [{ key: `model_from ${s.model_from}`, from: `fit ${before}`, to: `refitted (fit ${now})` }] : [];
    return { key: { model_from_fit: now }, changes };
  },
  resumable: false,

  // Before the old model is removed: a sweep these settings cannot run leaves the run as it was.
  async prepare(ctx) {
    checkKSweep(ctx.settings, sampleCount(ctx.settings.fit_sample, ctx.state.stats('embed').embedded));
  },

  async run(ctx): Promise<StageStats<'fit'>> {
    const s = ctx.settings;
    const embed = ctx.state.stats('embed');
    if (s.model_from) {
      const stats = copyFittedModel(openModelSource(s.model_from), ctx.outDir, embed);
      ctx.log(`fit: not fitted; ${s.model_from}'s model copied (${stats.algorithm}, ${stats.clusters.toLocaleString('en-US')} clusters, ${stats.projection}, fitted on ${stats.fit_rows.toLocaleString('en-US')} rows)`);
      return stats;
    }
    const total = embed.embedded;
    if (!(total > 0)) throw new Error(`${ctx.outDir}: no rows were embedded (empty input, or every line rejected: see ${ctx.outDir}/rejects.jsonl)`);
    const rows = sampleCount(s.fit_sample, total);
    const algorithm = CLUSTERERS[s.cluster_alg];
    // With --k-sweep-pick the fitted k is one of the swept ones, which prepare checked against the rows.
    if (!s.k_sweep_pick) algorithm.check(s, rows);
    const sample = gatherRows(ctx.outDir, sampleIndices(total, rows, createRng(s.seed)));
    const dir = modelDir(ctx.outDir);

    const projection = await fitProjection(s, sample.values, rows, sample.dims, ctx.log, ctx.quiet);
    saveProjection(dir, projection);
    const space = await clusteringSpace(projection, sample.values, rows, sample.dims, s.threads);
    const common = { fit_rows: rows, algorithm: s.cluster_alg, projection: projection.kind === 'umap' ? `umap ${s.umap_dim}-d` : `none (${projection.kind === 'pca' ? 'pca' : 'umap'} 2-d for plots)` };

    const sweep = s.k_sweep ? await sweepK({ values: space.values, rows, dims: space.dims }, s, ctx.quiet) : undefined;
    if (sweep) (ctx.result ?? ctx.log)(formatKSweep(sweep, rows));
    const picked = sweep ? pickK(s.k_sweep_pick, sweep) : null;
    if (picked) ctx.log(`fit: --k-sweep-pick ${s.k_sweep_pick} chose k=${picked.k} (instead of --kmeans-num-clusters ${s.kmeans_num_clusters}): ${picked.why}`);
    else if (sweep) ctx.log(`fit: k=${s.kmeans_num_clusters} as --kmeans-num-clusters says; --k-sweep-pick elbow|silhouette would fit the k the sweep points to`);
    const fitSettings = picked ? { ...s, kmeans_num_clusters: picked.k } : s;
    const { clusterer, stats } = await algorithm.fit({ values: space.values, rows, dims: space.dims }, fitSettings, {
      log: ctx.log,
      progress: (label) => new FitProgress(label, ctx.quiet),
    });
    clusterer.save(dir);
    return { ...common, ...stats, ...(sweep ? { k_sweep: sweep } : {}), ...(picked ? { k_sweep_pick: { rule: s.k_sweep_pick!, ...picked } } : {}) };
  },
};
