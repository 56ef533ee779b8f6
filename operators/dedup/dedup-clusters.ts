/**
 * SemDeDup over a run folder: DuckDB streams embeddings/ joined to labels/ in cluster order
 * (sample-picks.ts clusterRows), each cluster is deduplicated by core/dedup/semdedup.ts, and the
 * decisions go to dedup/ parts as clusters finish. A few clusters run at once, each on its
 * own onnxruntime session (session.run works off the JS thread), pulling the next cluster
 * from the one stream. Memory holds those clusters, one part of decisions and DuckDB's sort
 * budget, never the dataset. Noise rows (cluster −1) have no cluster to be compared within
 * and are kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { KeptSimilarity } from '../../core/kernels/kept-similarity.js';
import { semDeDup, type DedupKeep } from '../../core/dedup/semdedup.js';
import { DEDUP } from '../../schemas/tables.js';
import { partName, writeParquet } from '../parquet/parquet.js';
import { clusterRows, type ClusterRows } from '../sample/sample-picks.js';
import { concurrentSessions, sessionThreads } from '../workers/threads.js';

export interface DedupOptions {
  epsilon: number;
  keep: DedupKeep;
  seed: number;
  /** Rows per dedup/ part (a part holds whole clusters, so it may run over). */
  partRows: number;
  /** Where DuckDB's cluster-order sort may spill; removed afterwards. */
  spillDir: string;
  /** Clusters deduplicated at once (default: concurrentSessions, operators/workers/threads.ts). */
  concurrency?: number;
  /** onnxruntime threads per cluster (default: sessionThreads, 1). */
  threads?: number;
  onCluster?: (done: number) => void;
}

export interface DedupTotals {
  rows: number;
  kept: number;
  removed: number;
  removed_fraction: number;
  noise_rows: number;
  clusters: number;
  clusters_with_duplicates: number;
  removed_share_percentiles: Record<string, number>;
  most_removed: [number, number, number][];
  epsilon: number;
  keep: DedupKeep;
}

class DedupPartWriter {
  private ids: string[] = [];
  private clusters: number[] = [];
  private kept: number[] = [];
  private duplicateOf: (string | null)[] = [];
  private similarity: number[] = [];
  private part = 0;

  constructor(
    private readonly dir: string,
    private readonly partRows: number,
  ) {}

  add(id: string, cluster: number, kept: boolean, duplicateOf: string | null, similarity: number): void {
    this.ids.push(id);
    this.clusters.push(cluster);
    this.kept.push(kept ? 1 : 0);
    this.duplicateOf.push(duplicateOf);
    this.similarity.push(similarity);
  }

  flush(force = false): void {
    if (this.ids.length === 0 || (!force && this.ids.length < this.partRows)) return;
    const n = this.ids.length;
    writeParquet(
      path.join(this.dir, partName(this.part++)),
      DEDUP,
      { id: this.ids, cluster: Int32Array.from(this.clusters), kept: Uint8Array.from(this.kept), duplicate_of: this.duplicateOf, similarity: Float32Array.from(this.similarity) },
      n,
    );
    this.ids = [];
    this.clusters = [];
    this.kept = [];
    this.duplicateOf = [];
    this.similarity = [];
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}

/**
 * Writes OUTDIR/dedup/ from the run database's embeddings and labels views; returns the
 * totals. `dims` is the embedding width (the kernel is built for it).
 */
export async function dedupClusters(conn: DuckDBConnection, outDir: string, dims: number, options: DedupOptions): Promise<DedupTotals> {
  const dir = path.join(outDir, DEDUP.path);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const writer = new DedupPartWriter(dir, options.partRows);
  const perCluster: [number, number, number][] = [];
  let noise = 0;
  let done = 0;
  const stream = clusterRows(conn, options.spillDir, { all: true });
  // An async generator queues concurrent next() calls, so workers can share it.
  const next = async (): Promise<ClusterRows | null> => {
    const r = await stream.next();
    return r.done ? null : r.value;
  };
  const worker = async () => {
    const kernel = await KeptSimilarity.create(dims, sessionThreads(options.threads));
    try {
      for (let c = await next(); c !== null; c = await next()) {
        if (c.cluster < 0) {
          for (const id of c.ids) writer.add(id, c.cluster, true, null, NaN);
          noise += c.ids.length;
        } else {
          const n = c.ids.length;
          const r = await semDeDup(kernel, c.values, n, c.dims, { epsilon: options.epsilon, keep: options.keep, seed: options.seed + c.cluster });
          let removed = 0;
          for (let i = 0; i < n; i++) {
            const kept = r.kept[i] === 1;
            if (!kept) removed++;
            writer.add(c.ids[i], c.cluster, kept, kept ? null : c.ids[r.nearestKept[i]], r.similarity[i] === -Infinity ? NaN : r.similarity[i]);
          }
          perCluster.push([c.cluster, n, removed]);
        }
        writer.flush();
        options.onCluster?.(++done);
      }
    } finally {
      await kernel.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? concurrentSessions(options.threads)) }, worker));
  } finally {
    // Ends the stream (and removes its spill folder) when a worker failed.
    await stream.return(undefined);
  }
  writer.flush(true);
  perCluster.sort((a, b) => a[0] - b[0]);
  const clustered = perCluster.reduce((a, [, n]) => a + n, 0);
  const removed = perCluster.reduce((a, [, , r]) => a + r, 0);
  const rows = clustered + noise;
  const shares = perCluster.map(([, n, r]) => r / n).sort((a, b) => a - b);
  return {
    rows,
    kept: rows - removed,
    removed,
    removed_fraction: rows ? removed / rows : 0,
    noise_rows: noise,
    clusters: perCluster.length,
    clusters_with_duplicates: perCluster.filter(([, , r]) => r > 0).length,
    removed_share_percentiles: Object.fromEntries([10, 25, 50, 75, 90, 99].map((p) => [`p${p}`, +percentile(shares, p / 100).toFixed(4)])),
    most_removed: [...perCluster].sort((a, b) => b[2] / b[1] - a[2] / a[1] || a[0] - b[0]).slice(0, 5),
    epsilon: options.epsilon,
    keep: options.keep,
  };
}
