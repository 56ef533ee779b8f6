/**
 * Every stage by name. Adding one: its name in STAGES (schemas/config.ts, which orders them),
 * its file here declaring the Stage (settings, outputs, statistics, command, help, hint), and
 * its entry below, which the compiler requires once STAGES names it.
 */
import type { z } from 'zod';
import { STAGES, type StageName } from '../../schemas/config.js';
import type { Stage } from '../run/stage.js';
import { dedupStage } from './dedup.js';
import { embedStage } from './embed.js';
import { fitStage } from './fit.js';
import { inferStage } from './infer.js';
import { sampleStage } from './sample.js';

export const STAGE_BY_NAME = {
  embed: embedStage,
  fit: fitStage,
  infer: inferStage,
  dedup: dedupStage,
  sample: sampleStage,
} satisfies { [N in StageName]: Stage<N> };

/** The statistics stage N records, as later stages read them (`state.stats('embed').embedded`). */
export type StageStats<N extends StageName> = z.output<(typeof STAGE_BY_NAME)[N]['stats']>;

/** Every stage, in pipeline order. */
export const STAGE_LIST: readonly Stage[] = STAGES.map((name) => STAGE_BY_NAME[name]) as readonly Stage[];
