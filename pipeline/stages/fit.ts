/**
 * Stage 2: fit the cluster model (and the UMAP projection, when enabled) on a seeded
 * sample of the embeddings, and save it under OUTDIR/model/.
 */
import path from 'node:path';
import { fitKMeans } from '../../core/kmeans.js';
import { createRng, sampleIndices } from '../../core/random.js';
import { FILES } from '../../schemas/tables.js';
import type { Settings } from '../../schemas/config.js';
import { saveModel } from '../../operators/model-store.js';
import { gatherRows } from '../../operators/read-embeddings.js';
import { stageKey } from '../manifest.js';
import { Progress, log } from '../progress.js';
import type { StageContext } from '../stage-context.js';

export const KMEANS_MODEL = 'kmeans';

/** A fraction (≤ 1) of `total` rows or a row count, at least one row. */
export function sampleCount(spec: number, total: number): number {
  return spec <= 1 ? Math.max(1, Math.round(total * spec)) : Math.min(spec, total);
}

function fitParams(s: Settings): Record<string, unknown> {
  const p: Record<string, unknown> = { fit_sample: s.fit_sample, seed: s.seed, cluster_alg: s.cluster_alg };
  if (s.cluster_alg === 'kmeans') Object.assign(p, { k: s.kmeans_num_clusters, max_iter: s.kmeans_max_iter, tol: s.kmeans_tol });
  return p;
}

export async function fitStage(ctx: StageContext): Promise<void> {
  const s = ctx.settings;
  const embed = ctx.state.record('embed');
  if (!embed || embed.status !== 'complete') throw new Error(`${ctx.outDir}: the embed stage is not complete; run semclust embed (or fit with INPUT) first`);
  const params = fitParams(s);
  const key = stageKey(params, embed.key);
  if (ctx.state.isComplete('fit', key)) {
    log('fit: complete for these settings, skipped');
    return;
  }
  ctx.state.begin('fit', key, params, s);

  const total = Number(embed.stats?.embedded);
  const rows = sampleCount(s.fit_sample, total);
  const indices = sampleIndices(total, rows, createRng(s.seed));
  const sample = gatherRows(ctx.outDir, indices);
  const modelDir = path.join(ctx.outDir, FILES.model);

  const k = s.kmeans_num_clusters;
  if (k > rows) {
    throw new Error(`--kmeans-num-clusters ${k} exceeds the ${rows} rows fitted on; lower it or raise --fit-sample`);
  }
  const progress = new Progress({ stage: `fit: k-means k=${k} on ${rows.toLocaleString('en-US')} rows`, unit: 'iterations', quiet: ctx.quiet });
  const fitted = await fitKMeans(sample.values, rows, sample.dims, {
    k,
    seed: s.seed,
    maxIter: s.kmeans_max_iter,
    tol: s.kmeans_tol,
    kernel: { threads: s.threads },
    onIteration: (it) => progress.update(it),
  });
  progress.done(fitted.iterations);
  saveModel(modelDir, KMEANS_MODEL, {
    meta: {
      algorithm: 'kmeans',
      k,
      dims: sample.dims,
      seed: s.seed,
      inertia: fitted.inertia,
      iterations: fitted.iterations,
      fit_rows: rows,
      embedding_model: embed.stats?.model,
    },
    arrays: { centroids: fitted.centroids },
  });
  ctx.state.complete('fit', { fit_rows: rows, algorithm: 'kmeans', k, inertia: fitted.inertia, iterations: fitted.iterations });
}
