/**
 * OUTDIR/manifest.json: which stages are complete, under which parameters, with what
 * results. A stage is marked complete only after all its outputs are durable.
 */
import { z } from 'zod';
import { STAGES } from './config.js';
import { CLUSTERS, EMBEDDINGS, FILES, LABELS, PROJECTION, ROWS, SAMPLE } from './tables.js';

export const StageRecord = z.object({
  status: z.enum(['running', 'complete']),
  /** Hash of the stage's parameters and its upstream stage's key. */
  key: z.string(),
  params: z.record(z.string(), z.unknown()),
  started_at: z.string(),
  finished_at: z.string().optional(),
  seconds: z.number().optional(),
  stats: z.record(z.string(), z.unknown()).optional(),
});
export type StageRecord = z.infer<typeof StageRecord>;

export const Manifest = z.object({
  version: z.literal(1),
  settings: z.record(z.string(), z.unknown()),
  stages: z.partialRecord(z.enum(STAGES), StageRecord),
});
export type Manifest = z.infer<typeof Manifest>;

/** What each stage writes under OUTDIR; removed before the stage is redone. */
export const STAGE_OUTPUTS: Record<(typeof STAGES)[number], readonly string[]> = {
  embed: [ROWS.path, EMBEDDINGS.path, FILES.rejects],
  fit: [FILES.model],
  infer: [LABELS.path, PROJECTION.path, CLUSTERS.path, FILES.plot],
  sample: [FILES.sampleJsonl, SAMPLE.path],
};
