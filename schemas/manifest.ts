/**
 * OUTDIR/manifest.json: for every stage, the settings it ran with, the key they hash to,
 * its state and its statistics. The statistics of each stage have a schema here, so a
 * later stage reads them typed (`upstream('embed').embedded`), never by string lookup.
 * A stage is marked complete only after all its outputs are durable.
 */
import { z } from 'zod';
import { STAGES, type StageName } from './config.js';
import { CLUSTERS, DEDUP, EMBEDDINGS, FILES, LABELS, PROJECTION, ROWS, SAMPLE } from './tables.js';

/** One input file as the embed stage saw it; `path` is relative to OUTDIR, so OUTDIR can move. */
export const InputIdentity = z.object({
  path: z.string(),
  size: z.number(),
  mtime_ms: z.number(),
  /** xxh3-128 of the (decompressed) content, computed while reading. */
  xxh3: z.string(),
});
export type InputIdentity = z.infer<typeof InputIdentity>;

const ClusterStatsSchema = z.object({
  total_rows: z.number(),
  clusters: z.number(),
  noise_rows: z.number(),
  noise_fraction: z.number(),
  largest: z.array(z.tuple([z.number(), z.number()])),
  smallest: z.array(z.tuple([z.number(), z.number()])),
  percentiles: z.record(z.string(), z.number()),
});

export const STAGE_STATS = {
  embed: z.object({
    lines_read: z.number(),
    rows: z.number(),
    rejected: z.number(),
    rejected_by_reason: z.record(z.string(), z.number()),
    embedded: z.number(),
    duplicates: z.number(),
    parts: z.number(),
    dims: z.number(),
    model: z.string(),
    /** The commit a hub model resolved to (issue 12); pass it back as `revision` to rerun on the same weights. */
    model_revision: z.string().nullable(),
    /** Empty when an input was stdin (it cannot be identified again). */
    inputs: z.array(InputIdentity),
    /** Parts kept from an interrupted attempt instead of being embedded again. */
    resumed_parts: z.number(),
    /** Set when the stage ran as N shards and was merged (mergeShards, pipeline/run/run-stages.ts). */
    shards: z.number().optional(),
  }),
  fit: z.object({
    fit_rows: z.number(),
    algorithm: z.enum(['kmeans', 'hdbscan']),
    projection: z.string(),
    clusters: z.number(),
    inertia: z.number().optional(),
    iterations: z.number().optional(),
    fit_noise_fraction: z.number().optional(),
  }),
  infer: z.object({
    rows: z.number(),
    clusters: z.number(),
    noise_rows: z.number(),
    noise_fraction: z.number(),
    resumed_parts: z.number(),
    /** Noise rows given their most likely cluster (hdbscan_assign_noise). */
    reassigned_rows: z.number().default(0),
    cluster_stats: ClusterStatsSchema,
    /** Set when the stage ran as N shards and was merged (mergeShards, pipeline/run/run-stages.ts). */
    shards: z.number().optional(),
  }),
  dedup: z.object({
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
  }),
  sample: z.object({
    sampled: z.number(),
    clusters_sampled: z.number(),
    clusters: z.number(),
    per_cluster: z.string(),
    within: z.string(),
    /** Rows dedup removed, which the sample could not draw (0 when dedup did not run). */
    dedup_removed: z.number().default(0),
    /** --within top|weighted: ids scored, and those whose score was missing, not a number, or ≤ 0. */
    scores: z.object({ scored: z.number(), missing: z.number(), non_numeric: z.number(), non_positive: z.number() }).optional(),
  }),
} satisfies Record<StageName, z.ZodType>;

export type StageStats<N extends StageName> = z.infer<(typeof STAGE_STATS)[N]>;

export const StageRecord = z.object({
  /** running: begun and not finished (crashed, killed or in progress); complete: outputs durable. */
  status: z.enum(['running', 'complete']),
  /** Hash of the stage's settings and its upstream stages' keys. */
  key: z.string(),
  /** The resolved settings that key the stage; later commands on OUTDIR reuse them. */
  settings: z.record(z.string(), z.unknown()),
  started_at: z.string(),
  finished_at: z.string().optional(),
  seconds: z.number().optional(),
  stats: z.record(z.string(), z.unknown()).optional(),
});
export type StageRecord = z.infer<typeof StageRecord>;

export const MANIFEST_VERSION = 2;

export const Manifest = z.object({
  version: z.literal(MANIFEST_VERSION),
  stages: z.partialRecord(z.enum(STAGES), StageRecord),
});
export type Manifest = z.infer<typeof Manifest>;

/** Per-part records of resumable stages (see operators/store/part-ledger.ts). */
export const PROGRESS_DIR = 'progress';

/** What each stage writes under OUTDIR; removed before the stage is redone. */
export const STAGE_OUTPUTS: Record<StageName, readonly string[]> = {
  embed: [ROWS.path, EMBEDDINGS.path, FILES.rejects, `${PROGRESS_DIR}/embed`],
  fit: [FILES.model],
  infer: [LABELS.path, PROJECTION.path, CLUSTERS.path, FILES.plot, FILES.report, `${PROGRESS_DIR}/infer`],
  dedup: [DEDUP.path, FILES.spill],
  sample: [FILES.sampleJsonl, SAMPLE.path, FILES.spill],
};
