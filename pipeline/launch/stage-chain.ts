/**
 * `launch slurm --stages embed,fit,infer,sample -- embed IN… OUT [flags]`: the one stage command
 * split into each chained stage's command. A stage refuses a setting of a later stage and
 * checks one of an earlier stage against what that stage recorded (pipeline/run/plan.ts), so
 * each flag goes to the stages from its owner on: `--text-key` to all, `--kmeans-num-clusters`
 * to fit and after, `--sample-size` to sample alone; a flag no stage owns (threads, batch
 * sizes, --quiet) to every stage. INPUT… goes to the first stage; the others read the inputs
 * OUTDIR recorded and get OUTDIR alone.
 */
import type { ChainStage } from '../../schemas/launch.js';
import { STAGE_BY_NAME } from '../stages/index.js';
import { parseArgs } from '../settings/flags.js';
import { LaunchUsageError, type StageCommand, type Word } from './job.js';

/** One job of a chained launch: its stage and the words after `semclust STAGE`. */
export interface ChainedStage {
  command: ChainStage;
  args: Word[];
  /** embed and infer run as arrays of shards; fit, dedup and sample as one task. */
  sharded: boolean;
}

/** Stands in for a credential's value while the words are grouped (the value is a URL). */
const PLACEHOLDER = 'http://credential.invalid/v1';
const text = (w: Word): string => (typeof w === 'string' ? w : PLACEHOLDER);
const parse = (words: readonly Word[]) => parseArgs(words.map(text), ['quiet'], ['quiet']);

/** The words as flags with their values (a flag takes at most one word) and positionals. */
function groups(args: readonly Word[]): { flag: Word[] | null; positional: Word | null }[] {
  const out: { flag: Word[] | null; positional: Word | null }[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    if (typeof w !== 'string' || w === '-' || !w.startsWith('-')) {
      out.push({ flag: null, positional: w });
      continue;
    }
    // The next word is the flag's value when the stage's own parser takes it as one (a word
    // that looks like a flag never is: the parser wants --flag=-x for such a value).
    const next = args[i + 1];
    const takesNext = !w.includes('=') && next !== undefined && !(typeof next === 'string' && /^--?[a-zA-Z]/.test(next)) && parse([w, next]).positionals.length === 0;
    out.push({ flag: takesNext ? [w, args[++i]] : [w], positional: null });
  }
  return out;
}

/** The stages whose setting a flag is; empty for a flag no stage owns. */
function owners(flag: readonly Word[]): ChainStage[] {
  const keys = Object.keys(parse(flag).settings.values);
  return (Object.keys(STAGE_BY_NAME) as ChainStage[]).filter((s) => keys.some((k) => (STAGE_BY_NAME[s].settings as readonly string[]).includes(k)));
}

export function chainStages(stage: StageCommand, stages: readonly ChainStage[]): ChainedStage[] {
  if (stages[0] !== stage.command) {
    throw new LaunchUsageError(`--stages ${stages.join(',')} starts with ${stages[0]}, but the stage command after -- is ${stage.command}: start --stages with it (its inputs and flags are the run's)`);
  }
  const order = Object.keys(STAGE_BY_NAME) as ChainStage[];
  const parts = groups(stage.args);
  for (const g of parts) {
    if (!g.flag) continue;
    const own = owners(g.flag);
    // Its stage runs in the chain, or ran before it (the stage checks the flag against its record).
    if (own.length > 0 && !own.some((o) => stages.includes(o) || order.indexOf(o) < order.indexOf(stages[0]))) {
      throw new LaunchUsageError(`${text(g.flag[0])} belongs to the ${own.join('/')} stage, which --stages ${stages.join(',')} does not run: add it to --stages or drop the flag`);
    }
  }
  const outDirAt = parts.findLastIndex((g) => g.positional !== null);
  return stages.map((command, n) => {
    const args: Word[] = [];
    for (const [i, g] of parts.entries()) {
      if (g.positional !== null) {
        if (n === 0 || i === outDirAt) args.push(g.positional);
        continue;
      }
      const own = owners(g.flag!);
      if (own.length === 0 || own.some((o) => order.indexOf(o) <= order.indexOf(command))) args.push(...g.flag!);
    }
    return { command, args, sharded: command === 'embed' || command === 'infer' };
  });
}
