/**
 * What every shard of a sharded stage does around its work: plan the stage's settings and
 * key exactly as one process would (pipeline/run/plan.ts), with the settings the latest shard
 * recorded as the base, so rerunning one shard needs only the inputs, OUTDIR and --shard;
 * refuse to replace a stage the manifest already records; hold its own lock scope
 * (OUTDIR/<stage>-shard-I-of-N.lock), released on SIGINT/SIGTERM (scancel) as well.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FILES } from '../../schemas/tables.js';
import { RunLockError } from '../../operators/store/run-lock.js';
import { holdLock } from '../run/hold-lock.js';
import { RunState } from '../run/manifest.js';
import { planStages, type StagePlan } from '../run/plan.js';
import { log } from '../cli/progress.js';
import { SettingsError, type SettingsLayer } from '../settings/settings.js';
import { latestAttempt, readShardRecords, shardFile, shardLockScope, type ShardedStage } from './shard-records.js';
import type { ShardSpec } from './shard-spec.js';
import { STAGE_LIST } from '../stages/index.js';
import { flagOf } from '../../schemas/flag-name.js';

export interface ShardRun {
  outDir: string;
  shard: ShardSpec;
  /** Settings given for this run (flags), later layers winning. */
  layers: readonly SettingsLayer[];
  command: string;
  quiet?: boolean;
  log?: (message: string) => void;
}

/** The settings the latest shard of `stage` recorded (inputs made absolute again): the base for a rerun. */
export function recordedShardLayer(outDir: string, stage: ShardedStage): SettingsLayer | null {
  const attempt = latestAttempt(readShardRecords(outDir, stage));
  if (!attempt) return null;
  const r = attempt.records.find((x) => x.started_at === attempt.records.map((y) => y.started_at).sort().pop())!;
  const values: Record<string, unknown> = { ...r.settings };
  if (Array.isArray(values.input)) values.input = (values.input as string[]).map((p) => path.resolve(outDir, p));
  if (r.shard_unit_bytes !== undefined) values.shard_unit_bytes = r.shard_unit_bytes;
  return { origin: path.relative(process.cwd(), shardFile(outDir, stage, { index: r.shard, count: r.count })), values };
}

/** Only what semclust shards write may be in OUTDIR before a manifest exists. */
function checkShardFolder(outDir: string): void {
  if (!fs.existsSync(outDir) || RunState.exists(outDir)) return;
  // launch/ holds the job files `semclust launch` rendered before the shards started.
  const foreign = fs.readdirSync(outDir).filter((f) => !f.endsWith('.lock') && !['rows', 'embeddings', 'progress', FILES.launch].includes(f));
  if (foreign.length > 0) {
    throw new RunLockError(`${outDir} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''} and no semclust run: shards would write beside it; choose a new or empty folder`);
  }
}

/** The stage's plan, or null when the manifest records it complete for these settings (nothing to do). */
export async function planShard(run: ShardRun, stage: ShardedStage): Promise<StagePlan | null> {
  const say = run.log ?? log;
  checkShardFolder(run.outDir);
  const state = RunState.open(run.outDir);
  const base = recordedShardLayer(run.outDir, stage);
  // Endpoints are recorded without credentials: a rerun must be given them again, as for one process.
  for (const [key, value] of Object.entries(base?.values ?? {})) {
    if (!key.endsWith('_endpoint') || !JSON.stringify(value).includes('***')) continue;
    delete base!.values[key];
    if (!run.layers.some((l) => l.values[key] !== undefined)) {
      throw new SettingsError(`${run.outDir}: the ${key} the other shards recorded had credentials, which are never stored; pass ${flagOf(key)} again`);
    }
  }
  const [plan] = await planStages(state, STAGE_LIST, [stage], base ? [base, ...run.layers] : run.layers, run.command, true);
  const rec = state.record(stage);
  if (!rec) return plan;
  if (plan.decision === 'skip') {
    say(`${stage}: complete for these settings in ${run.outDir}/manifest.json (merged), skipped`);
    return null;
  }
  const why = plan.reasons.length > 0 ? ` (${plan.reasons.join('; ')})` : '';
  throw new SettingsError(
    `${run.outDir}: manifest.json already records ${rec.status === 'complete' ? 'a complete' : 'an unfinished'} ${stage} stage${why}; shards cannot replace it while others may read it. ` +
      `Use a new output folder, or run \`semclust ${stage}\` without --shard to redo it here`,
  );
}

/** Runs `work` holding this shard's own lock scope; a signal frees it and says how to continue. */
export async function withShardLock(run: ShardRun, stage: ShardedStage, work: () => Promise<void>): Promise<void> {
  const { index, count } = run.shard;
  await holdLock(
    run.outDir,
    shardLockScope(stage, run.shard),
    `${run.command} ${run.outDir} --shard ${index}/${count}`,
    run.log ?? log,
    () => `${stage} shard ${index}/${count} interrupted; rerun the same command to continue after its finished ${stage === 'embed' ? 'units' : 'parts'}`,
    work,
  );
}
