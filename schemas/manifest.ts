/**
 * OUTDIR/manifest.json: for every stage, the settings it ran with, the key they hash to,
 * its state and its statistics. Each stage declares the schema of its statistics beside
 * itself (pipeline/stages/*.ts `stats`), so a later stage reads them typed
 * (`state.stats('embed').embedded`), never by string lookup; the shared pieces are here.
 * A stage is marked complete only after all its outputs are durable.
 */
import { z } from 'zod';
import { STAGES } from './config.js';

/** One input file as the embed stage saw it; `path` is relative to OUTDIR, so OUTDIR can move. */
export const InputIdentity = z.object({
  path: z.string(),
  size: z.number(),
  mtime_ms: z.number(),
  /** xxh3-128 of the (decompressed) content, computed while reading. */
  xxh3: z.string(),
});
export type InputIdentity = z.infer<typeof InputIdentity>;

/** Cluster statistics (pipeline/report/cluster-stats.ts) as infer records them. */
export const ClusterStats = z.object({
  total_rows: z.number(),
  clusters: z.number(),
  noise_rows: z.number(),
  noise_fraction: z.number(),
  largest: z.array(z.tuple([z.number(), z.number()])),
  smallest: z.array(z.tuple([z.number(), z.number()])),
  percentiles: z.record(z.string(), z.number()),
});


export const StageRecord = z.object({
  /** running: begun and not finished (crashed, killed or in progress); complete: outputs durable. */
  status: z.enum(['running', 'complete']),
  /** Hash of the stage's settings and its upstream stages' keys. */
  key: z.string(),
  /** The resolved settings that key the stage; later commands on OUTDIR reuse them. */
  settings: z.record(z.string(), z.unknown()),
  /** Set once the stage was extended with new input: the key its later stages were keyed on, and stay keyed on. */
  base_key: z.string().optional(),
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

