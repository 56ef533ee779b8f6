/**
 * The dedup stage (SemDeDup, Abbas et al. 2023, arXiv 2303.09540): within each cluster of
 * labels/, drop every id whose embedding is within cosine similarity 1 − ε of an id already
 * kept (operators/dedup/dedup-clusters.ts); decisions to dedup/, statistics to the manifest. A
 * later sample draws only kept ids. Not resumable: one pass over clusters in cluster order
 * is cheaper to redo than to checkpoint (see docs/curate.md for its time).
 */
import path from 'node:path';
import { z } from 'zod';
import { DEDUP, FILES } from '../../schemas/tables.js';
import type { StageStats } from './index.js';
import { dedupClusters } from '../../operators/dedup/dedup-clusters.js';
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';
import { writeKeptRecords } from '../../operators/sample/write-kept.js';
import type { Settings } from '../../schemas/config.js';
import type { Stage } from '../run/stage.js';

/** What the dedup stage records in manifest.json. */
export const dedupStats = z.object({
  /** Ids seen (noise rows included; they are kept, having no cluster to compare within). */
  rows: z.number(),
  kept: z.number(),
  removed: z.number(),
  removed_fraction: z.number(),
  noise_rows: z.number(),
  clusters: z.number(),
  /** Clusters that lost at least one row. */
  clusters_with_duplicates: z.number(),
  /** Share of its rows each cluster lost: percentiles over clusters (p10 … p99). */
  removed_share_percentiles: z.record(z.string(), z.number()),
  /** The five clusters that lost the largest share: [cluster, size, removed]. */
  most_removed: z.array(z.tuple([z.number(), z.number(), z.number()])),
  epsilon: z.number(),
  keep: z.enum(['nearest', 'farthest', 'random']),
});

export const dedupStage: Stage<'dedup', typeof dedupStats> = {
  name: 'dedup',
  command: {
    summary: 'drop semantic near-duplicates within clusters',
    usage: 'semclust dedup OUTDIR',
    runs: ['dedup'],
    help: `semclust dedup OUTDIR [FLAGS]
  Removes semantic near-duplicates within each cluster (SemDeDup): an id whose cosine
  similarity to an already kept id of its cluster is ≥ 1 − --dedup-epsilon is dropped,
  visiting rows nearest the centroid first (--dedup-keep nearest|farthest|random).
  Writes OUTDIR/dedup/ (id, cluster, kept, duplicate_of, similarity); a later sample
  draws only kept ids. --write-kept FILE also writes the kept original records as JSONL.
  In a pipeline file, list dedup in stages: [embed, fit, infer, dedup, sample].

  semclust dedup out/b77 --dedup-epsilon 0.05 --write-kept out/b77-dedup.jsonl
  semclust query out/b77 "SELECT cluster, count(*) FILTER (WHERE NOT kept) AS removed FROM dedup GROUP BY 1 ORDER BY 2 DESC"`,
  },
  hint: 'SELECT cluster, count(*) FILTER (WHERE NOT kept) AS removed, count(*) AS size FROM dedup GROUP BY 1 ORDER BY 2 DESC LIMIT 10',
  outputs: [DEDUP.path, FILES.spill],
  stats: dedupStats,
  needs: ['infer'],
  // write_kept is an export, not an output: it does not key the stage (see writeKeptIfAsked).
  settings: ['dedup_epsilon', 'dedup_keep', 'seed', 'write_kept'],
  keyed: (s) => ['dedup_epsilon', 'dedup_keep', ...(s.dedup_keep === 'random' ? (['seed'] as const) : [])],
  resumable: false,

  async run(ctx): Promise<StageStats<'dedup'>> {
    const s = ctx.settings;
    const dims = ctx.state.stats('embed').dims;
    const clusters = ctx.state.stats('infer').clusters;
    const progress = ctx.progress('dedup', 'clusters');
    const stats = await withRunDatabase(ctx.outDir, (conn) =>
      dedupClusters(conn, ctx.outDir, dims, {
        epsilon: s.dedup_epsilon,
        keep: s.dedup_keep,
        seed: s.seed,
        partRows: s.part_rows,
        spillDir: path.join(ctx.outDir, FILES.spill),
        threads: s.threads,
        onCluster: (done) => progress.update(done, clusters ? done / clusters : null),
      }),
    );
    progress.done(stats.clusters);
    const share = (x: number) => `${(x * 100).toFixed(1)}%`;
    ctx.log(
      `dedup: ${stats.removed.toLocaleString('en-US')} of ${stats.rows.toLocaleString('en-US')} ids removed (${share(stats.removed_fraction)}) at ε = ${stats.epsilon}, ` +
        `${stats.clusters_with_duplicates} of ${stats.clusters} clusters had duplicates; removed share per cluster: ` +
        Object.entries(stats.removed_share_percentiles)
          .map(([k, v]) => `${k}=${share(v)}`)
          .join(' '),
    );
    return stats;
  },
};

/**
 * `write_kept`: the kept records as JSONL, written after the stages whenever asked for —
 * also when dedup was complete and skipped, since the file is an export, not a stage output.
 */
export async function writeKeptIfAsked(outDir: string, s: Settings, log: (m: string) => void): Promise<void> {
  if (!s.write_kept) return;
  const n = await writeKeptRecords(outDir, s.write_kept);
  log(`dedup: ${n.toLocaleString('en-US')} kept records → ${s.write_kept}`);
}
