/**
 * Stage 2: fit on a seeded sample of the embeddings — the projection (UMAP to the
 * clustering space and 2-D when enabled, else PCA to 2-D for the plot), then k-means or
 * HDBSCAN in the clustering space — and save both under OUTDIR/model/.
 */
import { fitHdbscan } from '../../core/hdbscan/fit-hdbscan.js';
import { fitKMeans } from '../../core/kmeans.js';
import { fitPca } from '../../core/pca.js';
import { createRng, sampleIndices } from '../../core/random.js';
import { fitUmap } from '../../core/umap/fit-umap.js';
import type { Settings } from '../../schemas/config.js';
import { gatherRows } from '../../operators/read-embeddings.js';
import { modelDir, projectBlock, saveClusterer, saveProjection, type Projection } from '../fitted-model.js';
import { stageKey } from '../manifest.js';
import { FitProgress } from '../fit-progress.js';
import type { StageContext } from '../stage-context.js';

/** A fraction (≤ 1) of `total` rows or a row count, at least one row. */
export function sampleCount(spec: number, total: number): number {
  return spec <= 1 ? Math.max(1, Math.round(total * spec)) : Math.min(spec, total);
}

/** Rows per block when projecting the fit sample (bounds transform memory). */
const PROJECT_BLOCK = 16384;

function fitParams(s: Settings): Record<string, unknown> {
  const p: Record<string, unknown> = { fit_sample: s.fit_sample, seed: s.seed, cluster_alg: s.cluster_alg, enable_umap: s.enable_umap };
  if (s.cluster_alg === 'kmeans') Object.assign(p, { k: s.kmeans_num_clusters, max_iter: s.kmeans_max_iter, tol: s.kmeans_tol });
  else {
    Object.assign(p, {
      min_cluster_size: s.hdbscan_min_cluster_size,
      min_samples: s.hdbscan_min_samples,
      selection: s.hdbscan_cluster_selection_method,
      epsilon: s.hdbscan_cluster_selection_epsilon,
    });
  }
  if (s.enable_umap) {
    Object.assign(p, { umap_dim: s.umap_dim, n_neighbors: s.umap_n_neighbors, min_dist: s.umap_min_dist, metric: s.umap_metric, umap_fit_sample: s.umap_fit_sample });
  }
  return p;
}

async function fitProjection(s: Settings, sample: Float32Array, rows: number, dims: number, log: (m: string) => void, quiet: boolean): Promise<Projection> {
  if (!s.enable_umap) return { kind: 'pca', pca: fitPca(sample, rows, dims, 2, s.seed) };
  const umapRows = sampleCount(s.umap_fit_sample, rows);
  const picked = sampleIndices(rows, umapRows, createRng(s.seed + 1));
  const data = new Float32Array(umapRows * dims);
  picked.forEach((r, i) => data.set(sample.subarray(r * dims, (r + 1) * dims), i * dims));
  log(`fit: UMAP → ${s.umap_dim}-d and 2-d on ${umapRows.toLocaleString('en-US')} rows (${s.umap_n_neighbors} neighbours, ${s.umap_metric})`);
  const progress = new FitProgress('fit: UMAP', quiet);
  const umap = await fitUmap(data, dims, {
    dims: [s.umap_dim, 2],
    nNeighbors: s.umap_n_neighbors,
    minDist: s.umap_min_dist,
    metric: s.umap_metric,
    seed: s.seed,
    threads: s.threads,
    onProgress: progress.onProgress,
  });
  progress.finish();
  return { kind: 'umap', umap };
}

/** The fit sample in the clustering space: UMAP-transformed in blocks, or as is. */
async function clusteringSpace(p: Projection, sample: Float32Array, rows: number, dims: number, threads?: number): Promise<{ values: Float32Array; dims: number }> {
  if (p.kind === 'pca') return { values: sample, dims };
  const out = new Float32Array(rows * p.umap.dims[0]);
  for (let start = 0; start < rows; start += PROJECT_BLOCK) {
    const n = Math.min(PROJECT_BLOCK, rows - start);
    const { space } = await projectBlock(p, sample.subarray(start * dims, (start + n) * dims), n, dims, threads);
    out.set(space, start * p.umap.dims[0]);
  }
  return { values: out, dims: p.umap.dims[0] };
}

export async function fitStage(ctx: StageContext): Promise<void> {
  const s = ctx.settings;
  const embed = ctx.state.record('embed');
  if (!embed || embed.status !== 'complete') throw new Error(`${ctx.outDir}: the embed stage is not complete; run semclust embed (or fit with INPUT) first`);
  const params = fitParams(s);
  const key = stageKey(params, embed.key);
  if (ctx.state.isComplete('fit', key)) {
    ctx.log('fit: complete for these settings, skipped');
    return;
  }
  ctx.state.begin('fit', key, params, s);

  const total = Number(embed.stats?.embedded);
  if (!(total > 0)) throw new Error(`${ctx.outDir}: no rows were embedded (empty input, or every line rejected: see ${ctx.outDir}/rejects.jsonl)`);
  const rows = sampleCount(s.fit_sample, total);
  if (s.cluster_alg === 'kmeans' && s.kmeans_num_clusters > rows) {
    throw new Error(`--kmeans-num-clusters ${s.kmeans_num_clusters} exceeds the ${rows} rows fitted on; lower it or raise --fit-sample`);
  }
  const sample = gatherRows(ctx.outDir, sampleIndices(total, rows, createRng(s.seed)));
  const dir = modelDir(ctx.outDir);

  const projection = await fitProjection(s, sample.values, rows, sample.dims, ctx.log, ctx.quiet);
  saveProjection(dir, projection);
  const space = await clusteringSpace(projection, sample.values, rows, sample.dims, s.threads);
  const stats: Record<string, unknown> = { fit_rows: rows, algorithm: s.cluster_alg, projection: projection.kind === 'umap' ? `umap ${s.umap_dim}-d` : 'none (pca 2-d for plots)' };

  if (s.cluster_alg === 'kmeans') {
    const k = s.kmeans_num_clusters;
    const progress = new FitProgress(`fit: k-means k=${k} on ${rows.toLocaleString('en-US')} rows`, ctx.quiet);
    const fitted = await fitKMeans(space.values, rows, space.dims, {
      k,
      seed: s.seed,
      maxIter: s.kmeans_max_iter,
      tol: s.kmeans_tol,
      kernel: { threads: s.threads },
      onProgress: progress.onProgress,
    });
    progress.finish();
    const meta = { seed: s.seed, inertia: fitted.inertia, iterations: fitted.iterations, fit_rows: rows, embedding_model: embed.stats?.model };
    saveClusterer(dir, { kind: 'kmeans', centroids: fitted.centroids, k, dims: space.dims, meta });
    Object.assign(stats, { k, inertia: fitted.inertia, iterations: fitted.iterations });
  } else {
    ctx.log(`fit: HDBSCAN on ${rows.toLocaleString('en-US')} rows × ${space.dims} (min_cluster_size ${s.hdbscan_min_cluster_size}, min_samples ${s.hdbscan_min_samples})`);
    const hdbscanProgress = new FitProgress('fit: HDBSCAN', ctx.quiet);
    const fitted = await fitHdbscan(space.values, rows, space.dims, {
      minClusterSize: s.hdbscan_min_cluster_size,
      minSamples: s.hdbscan_min_samples,
      clusterSelectionMethod: s.hdbscan_cluster_selection_method,
      clusterSelectionEpsilon: s.hdbscan_cluster_selection_epsilon,
      threads: s.threads,
      onProgress: hdbscanProgress.onProgress,
    });
    hdbscanProgress.finish();
    saveClusterer(dir, { kind: 'hdbscan', model: fitted.model });
    let noise = 0;
    for (const l of fitted.labels) if (l < 0) noise++;
    Object.assign(stats, { clusters: fitted.model.meta.labelCount, fit_noise_fraction: noise / rows });
    if (fitted.model.meta.labelCount === 0) {
      throw new Error(`HDBSCAN found no cluster in ${rows} rows: lower --hdbscan-min-cluster-size (now ${s.hdbscan_min_cluster_size}) or raise --fit-sample`);
    }
  }
  ctx.state.complete('fit', stats);
}
