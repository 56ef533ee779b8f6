/**
 * Stage 2: fit on a seeded sample of the embeddings — the projection (UMAP to the
 * clustering space and 2-D when enabled, else a UMAP or PCA 2-D map), then k-means or
 * HDBSCAN in the clustering space — and save both under OUTDIR/model/.
 */
import { fitHdbscan } from '../../core/hdbscan/fit-hdbscan.js';
import { fitKMeans } from '../../core/kmeans/kmeans.js';
import { fitPca } from '../../core/pca/pca.js';
import { createRng, sampleIndices } from '../../core/util/random.js';
import { fitUmap } from '../../core/umap/fit-umap.js';
import type { Settings } from '../../schemas/config.js';
import type { StageStats } from '../../schemas/manifest.js';
import { gatherRows } from '../../operators/parquet/read-embeddings.js';
import { modelDir, projectBlock, saveClusterer, saveProjection, type Projection } from '../model/fitted-model.js';
import { FitProgress } from './fit-progress.js';
import type { Stage } from '../run/stage.js';

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
  const data = new Float32Array(umapRows * dims);
  picked.forEach((r, i) => data.set(sample.subarray(r * dims, (r + 1) * dims), i * dims));
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
const KMEANS_SETTINGS = ['kmeans_num_clusters', 'kmeans_max_iter', 'kmeans_tol', 'kmeans_init'] as const;
const HDBSCAN_SETTINGS = ['hdbscan_min_cluster_size', 'hdbscan_min_samples', 'hdbscan_cluster_selection_method', 'hdbscan_cluster_selection_epsilon', 'hdbscan_allow_single_cluster'] as const;
const COMMON = ['fit_sample', 'seed', 'cluster_alg', 'enable_umap'] as const;

export const fitStage: Stage<'fit'> = {
  name: 'fit',
  needs: ['embed'],
  settings: [...COMMON, 'plot_projection', ...KMEANS_SETTINGS, ...HDBSCAN_SETTINGS, ...UMAP_SETTINGS],
  keyed: (s) => [
    ...COMMON,
    ...(s.cluster_alg === 'kmeans' ? KMEANS_SETTINGS : HDBSCAN_SETTINGS),
    ...(s.enable_umap ? [] : (['plot_projection'] as const)),
    ...(s.enable_umap || s.plot_projection === 'umap' ? UMAP_SETTINGS : []),
  ],
  resumable: false,

  async run(ctx): Promise<StageStats<'fit'>> {
    const s = ctx.settings;
    const embed = ctx.state.stats('embed');
    const total = embed.embedded;
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
    const common = { fit_rows: rows, algorithm: s.cluster_alg, projection: projection.kind === 'umap' ? `umap ${s.umap_dim}-d` : `none (${projection.kind === 'pca' ? 'pca' : 'umap'} 2-d for plots)` };

    if (s.cluster_alg === 'kmeans') {
      const k = s.kmeans_num_clusters;
      const progress = new FitProgress(`fit: k-means k=${k} on ${rows.toLocaleString('en-US')} rows`, ctx.quiet);
      const fitted = await fitKMeans(space.values, rows, space.dims, {
        k,
        seed: s.seed,
        maxIter: s.kmeans_max_iter,
        tol: s.kmeans_tol,
        seeding: s.kmeans_init,
        kernel: { threads: s.threads },
        onProgress: progress.onProgress,
      });
      progress.finish();
      saveClusterer(dir, { kind: 'kmeans', model: { centroids: fitted.centroids, k, dims: space.dims, seed: s.seed, inertia: fitted.inertia, iterations: fitted.iterations, fitRows: rows } });
      return { ...common, clusters: k, inertia: fitted.inertia, iterations: fitted.iterations };
    }
    ctx.log(`fit: HDBSCAN on ${rows.toLocaleString('en-US')} rows × ${space.dims} (min_cluster_size ${s.hdbscan_min_cluster_size}, min_samples ${s.hdbscan_min_samples})`);
    const hdbscanProgress = new FitProgress('fit: HDBSCAN', ctx.quiet);
    const fitted = await fitHdbscan(space.values, rows, space.dims, {
      minClusterSize: s.hdbscan_min_cluster_size,
      minSamples: s.hdbscan_min_samples,
      clusterSelectionMethod: s.hdbscan_cluster_selection_method,
      clusterSelectionEpsilon: s.hdbscan_cluster_selection_epsilon,
      allowSingleCluster: s.hdbscan_allow_single_cluster,
      threads: s.threads,
      onProgress: hdbscanProgress.onProgress,
    });
    hdbscanProgress.finish();
    if (fitted.model.meta.labelCount === 0) {
      throw new Error(`HDBSCAN found no cluster in ${rows} rows: lower --hdbscan-min-cluster-size (now ${s.hdbscan_min_cluster_size}), raise --fit-sample${s.hdbscan_allow_single_cluster ? '' : ', or pass --hdbscan-allow-single-cluster to accept one cluster'}`);
    }
    saveClusterer(dir, { kind: 'hdbscan', model: fitted.model });
    let noise = 0;
    for (const l of fitted.labels) if (l < 0) noise++;
    return { ...common, clusters: fitted.model.meta.labelCount, fit_noise_fraction: noise / rows };
  },
};
