/**
 * Stage 3: label every embedded row with the fitted model. Parts are spread over a pool of
 * worker threads (one per core), each holding the model and one part; every part yields
 * labels/part-N and projection/part-N aligned with embeddings/part-N. Then clusters.parquet,
 * the cluster statistics and the plot.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { openRunDatabase } from '../../operators/duckdb-views.js';
import { embeddingPartFiles } from '../../operators/read-embeddings.js';
import { clusterStats, formatClusterStats } from '../cluster-stats.js';
import { describeClusters, describedAs } from '../describe-clusters.js';
import { loadFitted } from '../fitted-model.js';
import type { InferJob, InferResult } from '../label-part.js';
import { stageKey } from '../manifest.js';
import { writePlot } from '../plot.js';
import { writeReport } from '../report.js';
import { Progress } from '../progress.js';
import type { StageContext } from '../stage-context.js';

type WorkerMessage = InferResult | { part: number; error: string } | { ready: true };

/** Runs the jobs on `workers` threads; resolves with every part's result. */
function runPool(outDir: string, jobs: InferJob[], workers: number, threads: number, onResult: (r: InferResult) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let failed = false;
    const pool: Worker[] = [];
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(e);
    };
    const feed = (w: Worker) => {
      if (next < jobs.length) w.postMessage(jobs[next++]);
      else w.postMessage(null);
    };
    for (let i = 0; i < workers; i++) {
      const w = new Worker(new URL('../infer-worker.js', import.meta.url), { workerData: { outDir, threads } });
      pool.push(w);
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && !failed) fail(new Error(`infer worker exited with code ${code}`));
      });
      w.on('message', (m: WorkerMessage) => {
        if ('ready' in m) return feed(w);
        if ('error' in m) return fail(new Error(`part ${m.part}: ${m.error}`));
        onResult(m);
        if (++finished === jobs.length) resolve();
        feed(w);
      });
    }
  });
}

export async function inferStage(ctx: StageContext): Promise<void> {
  const fit = ctx.state.record('fit');
  if (!fit || fit.status !== 'complete') throw new Error(`${ctx.outDir}: no fitted model; run semclust fit first`);
  const params = {};
  const key = stageKey(params, fit.key);
  if (ctx.state.isComplete('infer', key)) {
    ctx.log('infer: complete for this model, skipped');
    return;
  }
  ctx.state.begin('infer', key, params, ctx.settings);

  const fitted = loadFitted(ctx.outDir);
  const jobs = embeddingPartFiles(ctx.outDir).map((file, part) => ({ part, file }));
  const cores = os.availableParallelism();
  const workers = Math.min(jobs.length, cores);
  // Few parts: give each worker's onnxruntime the spare cores instead.
  const threads = ctx.settings.threads ?? Math.max(1, Math.floor(cores / workers));
  const total = Number(ctx.state.record('embed')?.stats?.embedded ?? 0);
  const progress = new Progress({ stage: 'infer', unit: 'rows', quiet: ctx.quiet });
  const members = new Map<number, { count: number; sum: Float64Array }>();
  let spaceDims = 0;
  let done = 0;
  await runPool(ctx.outDir, jobs, workers, threads, (r) => {
    done += r.rows;
    spaceDims = r.spaceDims;
    for (const [c, acc] of r.clusters) {
      const m = members.get(c);
      if (!m) members.set(c, acc);
      else {
        m.count += acc.count;
        for (let j = 0; j < acc.sum.length; j++) m.sum[j] += acc.sum[j];
      }
    }
    progress.update(done, total ? done / total : null);
  });
  progress.done(done);

  // k-means centres are the model's; HDBSCAN's are the means of their members.
  const c = fitted.clusterer;
  const k = c.kind === 'kmeans' ? c.k : c.model.meta.labelCount;
  const dims = c.kind === 'kmeans' ? c.dims : spaceDims;
  const centroids = c.kind === 'kmeans' ? c.centroids : new Float32Array(k * dims);
  if (c.kind === 'hdbscan') {
    for (const [cluster, m] of members) for (let j = 0; j < dims; j++) centroids[cluster * dims + j] = m.sum[j] / m.count;
  }
  const sizes = Float64Array.from({ length: k }, (_, j) => members.get(j)?.count ?? 0);
  // clusters.parquet with keywords, representative texts and optional LLM labels.
  const described = await describeClusters(ctx.outDir, { sizes, centroids, dims }, ctx.settings, ctx.log);

  const db = await openRunDatabase(ctx.outDir);
  let stats;
  try {
    stats = await clusterStats(db.connection);
  } finally {
    db.close();
  }
  ctx.log(formatClusterStats(stats, (j) => describedAs(described[j])));
  const method = `${c.kind === 'kmeans' ? `k-means k=${k}` : `HDBSCAN, ${k} clusters`}${fitted.projection.kind === 'pca' ? ', PCA 2-D' : ', UMAP 2-D'}`;
  const plot = await writePlot(ctx.outDir, ctx.settings.seed, method);
  if (plot) ctx.log(`plot: ${plot}`);
  ctx.log(`report: ${await writeReport(ctx.outDir, ctx.settings)}`);
  ctx.state.complete('infer', { rows: stats.total_rows, clusters: stats.clusters, noise_rows: stats.noise_rows, noise_fraction: stats.noise_fraction, cluster_stats: stats });
}
