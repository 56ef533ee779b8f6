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

// Getters, not values: run/manifest.ts reads this registry and some stages reach
// run/manifest.ts (fit through model-from.ts, infer and sample through the report), so
// whichever module is imported first, this file may run before a stage's own file has
// finished. A getter reads the stage when asked, after every module has loaded.
export const STAGE_BY_NAME = {
  get embed() {
    return embedStage;
  },
  get fit() {
    return fitStage;
  },
  get infer() {
    return inferStage;
  },
  get dedup() {
    return dedupStage;
  },
  get sample() {
    return sampleStage;
  },
} satisfies { [N in StageName]: Stage<N> };

/** The statistics stage N records, as later stages read them (`state.stats('embed').embedded`). */
export type StageStats<N extends StageName> = z.output<(typeof STAGE_BY_NAME)[N]['stats']>;

/** Every stage, in pipeline order (a function for the same reason as the getters above). */
export const stageList = (): readonly Stage[] => STAGES.map((name) => STAGE_BY_NAME[name]) as readonly Stage[];
