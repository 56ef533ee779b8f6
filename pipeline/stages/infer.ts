/**
 * Stage 3: label every embedded row with the fitted model, part by part (one part in
 * memory), writing labels/part-N aligned with embeddings/part-N, then clusters.parquet
 * and the cluster statistics.
 */
import path from 'node:path';
import { NearestCentroid } from '../../core/kernels/nearest-centroid.js';
import { CLUSTERS, FILES, LABELS } from '../../schemas/tables.js';
import { openRunDatabase } from '../../operators/duckdb-views.js';
import { loadModel } from '../../operators/model-store.js';
import { partName, writeParquet } from '../../operators/parquet.js';
import { embeddingPartFiles, readEmbeddingPart } from '../../operators/read-embeddings.js';
import { clusterSizes, clusterStats, formatClusterStats } from '../cluster-stats.js';
import { stageKey } from '../manifest.js';
import { Progress, log } from '../progress.js';
import type { StageContext } from '../stage-context.js';
import { KMEANS_MODEL } from './fit.js';

export async function inferStage(ctx: StageContext): Promise<void> {
  const fit = ctx.state.record('fit');
  if (!fit || fit.status !== 'complete') throw new Error(`${ctx.outDir}: no fitted model; run semclust fit first`);
  const params = {};
  const key = stageKey(params, fit.key);
  if (ctx.state.isComplete('infer', key)) {
    log('infer: complete for this model, skipped');
    return;
  }
  ctx.state.begin('infer', key, params, ctx.settings);

  const modelDir = path.join(ctx.outDir, FILES.model);
  const model = loadModel(modelDir, KMEANS_MODEL);
  const k = Number(model.meta.k);
  const dims = Number(model.meta.dims);
  const centroids = model.arrays.centroids as Float32Array;
  const kernel = await NearestCentroid.create(centroids, k, dims, { threads: ctx.settings.threads });
  const files = embeddingPartFiles(ctx.outDir);
  const total = Number(ctx.state.record('embed')?.stats?.embedded ?? 0);
  const progress = new Progress({ stage: 'infer', unit: 'rows', quiet: ctx.quiet });
  let done = 0;
  try {
    for (let i = 0; i < files.length; i++) {
      const part = readEmbeddingPart(files[i], i);
      const labels = new Int32Array(part.rows);
      const dist = new Float32Array(part.rows);
      await kernel.assign(part.values, part.rows, labels, dist);
      writeParquet(path.join(ctx.outDir, LABELS.path, partName(i)), LABELS, { id: part.ids, cluster: labels, probability: new Float32Array(part.rows).fill(1) }, part.rows);
      done += part.rows;
      progress.update(done, total ? done / total : null);
    }
  } finally {
    await kernel.close();
  }
  progress.done(done);

  const db = await openRunDatabase(ctx.outDir);
  try {
    const sizes = await clusterSizes(db.connection);
    const clusterIds = Int32Array.from({ length: k }, (_, j) => j);
    writeParquet(
      path.join(ctx.outDir, CLUSTERS.path),
      CLUSTERS,
      { cluster: clusterIds, size: Float64Array.from(clusterIds, (j) => sizes.get(j) ?? 0), centroid: { values: centroids, dims } },
      k,
    );
    const stats = await clusterStats(db.connection);
    log(formatClusterStats(stats));
    ctx.state.complete('infer', { rows: stats.total_rows, clusters: stats.clusters, noise_rows: stats.noise_rows, noise_fraction: stats.noise_fraction, cluster_stats: stats });
  } finally {
    db.close();
  }
}
