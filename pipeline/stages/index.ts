/** Every stage, in pipeline order. */
import type { Stage } from '../run/stage.js';
import { dedupStage } from './dedup.js';
import { embedStage } from './embed.js';
import { fitStage } from './fit.js';
import { inferStage } from './infer.js';
import { sampleStage } from './sample.js';

export const STAGE_LIST: readonly Stage[] = [embedStage, fitStage, inferStage, dedupStage, sampleStage] as readonly Stage[];
