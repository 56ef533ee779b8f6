/**
 * The run protocol, in one place for every stage, one process or shard I of N: lock, plan
 * (settings per stage, skip / resume / run / redo and why, printed before any work), then
 * for each stage prepare it, begin or resume it, run it and record its typed statistics;
 * finally the run summary. A shard takes the same path with its own lock scope, plans on
 * the settings the other shards recorded, runs only the units it owns (the stage's split,
 * stage.ts) and records itself in its shard record; `mergeShards` checks that every shard
 * is done, merges the units under the run lock and records the stage. Only this file
 * changes manifest.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StageName } from '../../schemas/config.js';
import { PROGRESS_DIR } from '../../schemas/manifest.js';
import { FILES } from '../../schemas/tables.js';
import { PartLedger } from '../../operators/store/part-ledger.js';
import { RunLockError } from '../../operators/store/run-lock.js';
import { holdLock } from './hold-lock.js';
import { RunState } from './manifest.js';
import { describePlan, planStages, type StagePlan } from './plan.js';
import { flagOf } from '../../schemas/flag-name.js';
import { Progress, log } from '../cli/progress.js';
import { SettingsError, resolveSettings, type SettingsLayer } from '../settings/settings.js';
import type { Settings } from '../../schemas/config.js';
import type { Stage, StageRun } from './stage.js';
import { ShardsIncomplete, checkShards } from '../shard/shard-check.js';
import { latestAttempt, newShardRecord, readShardRecords, recordedShardLayer, shardLockScope, writeShardRecord, type ShardRecord, type ShardedStage } from '../shard/shard-records.js';
import type { ShardSpec } from '../shard/shard-spec.js';
import { nextStep } from './next-step.js';
import { STAGE_BY_NAME, stageList, type StageStats } from '../stages/index.js';

export interface RunRequest {
  outDir: string;
  /** Stages the command runs, in order. */
  stages: readonly StageName[];
  /** Settings given for this run (pipeline file, flags), later layers winning; the manifest fills the rest. */
  layers: readonly SettingsLayer[];
  /** Names the command in messages; with `strict`, a setting for a stage it does not run is an error. */
  command?: string;
  strict?: boolean;
  /** No progress, and no messages unless `log` is given: nothing is written to stdout or stderr. */
  quiet?: boolean;
  stdin?: NodeJS.ReadableStream;
  /** Where messages go (default stderr, nowhere when quiet); progress is separate. */
  log?: (message: string) => void;
  /** Run one stage (embed, infer, dedup) as shard I of N: only its units, recorded for `mergeShards`. */
  shard?: ShardSpec;
  /** Where results go (statistics, the sample, the summary): the CLI's stdout; default where messages go. */
  result?: (message: string) => void;
}

function summaryLines(state: RunState, outDir: string, stages: readonly StageName[]): string[] {
  const lines = ['', `summary (${outDir}):`];
  for (const stage of stages) {
    const r = state.record(stage);
    if (!r || r.status !== 'complete') continue;
    const stats = Object.entries(r.stats ?? {})
      .filter(([, v]) => typeof v !== 'object' || v === null)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US') : v}`)
      .join('  ');
    lines.push(`  ${stage.padEnd(6)} ${(r.seconds ?? 0).toFixed(1).padStart(7)} s  ${stats}`);
  }
  const outputs = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => !f.endsWith('.tmp') && !f.endsWith('.lock') && f !== PROGRESS_DIR) : [];
  lines.push(`  outputs: ${outputs.map((f) => path.join(outDir, f)).join(', ')}`);
  lines.push(`  query them: semclust query ${outDir} "${STAGE_BY_NAME[stages[stages.length - 1]].hint}"`);
  const ran = stages.filter((stage) => state.record(stage)?.status === 'complete');
  if (ran.length > 0) lines.push(nextStep(ran[ran.length - 1], outDir));
  return lines;
}

/** Anything in OUTDIR that a semclust run did not write refuses the run: it would be deleted. */
function checkRunFolder(outDir: string): void {
  if (!fs.existsSync(outDir) || RunState.exists(outDir)) return;
  // launch renders its job files into OUTDIR/launch/ before the shards' first stage begins.
  const entries = fs.readdirSync(outDir).filter((f) => !f.endsWith('.lock') && f !== FILES.launch);
  if (entries.length > 0) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, … (${entries.length} entries)` : '');
    throw new RunLockError(`${outDir} is not empty (${shown}) and holds no semclust run (no manifest.json); a run would replace what is there: choose a new or empty folder`);
  }
}

/** Temp files of writers killed mid-write (`name.<pid>.tmp`): nobody else writes here while we hold the lock. */
function removeStaleTemps(dir: string, depth: number): number {
  if (depth < 0 || !fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) removed += removeStaleTemps(p, depth - 1);
    else if (/\.\d+\.tmp$/.test(e.name)) {
      fs.rmSync(p, { force: true });
      removed++;
    }
  }
  return removed;
}

/** Only what semclust shards write may be in OUTDIR before a manifest exists. */
function checkShardFolder(outDir: string): void {
  if (!fs.existsSync(outDir) || RunState.exists(outDir)) return;
  // launch/ holds the job files `semclust launch` rendered before the shards started.
  const foreign = fs.readdirSync(outDir).filter((f) => !f.endsWith('.lock') && !['rows', 'embeddings', PROGRESS_DIR, FILES.launch].includes(f));
  if (foreign.length > 0) {
    throw new RunLockError(`${outDir} holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''} and no semclust run: shards would write beside it; choose a new or empty folder`);
  }
}

/**
 * A shard's settings: the flags over what the latest shard recorded. Endpoints are recorded
 * without credentials, so a rerun must be given them again, as for one process.
 */
function shardLayers(outDir: string, stage: ShardedStage, layers: readonly SettingsLayer[]): readonly SettingsLayer[] {
  const base = recordedShardLayer(outDir, stage);
  if (!base) return layers;
  for (const [key, value] of Object.entries(base.values)) {
    if (!key.endsWith('_endpoint') || !JSON.stringify(value).includes('***')) continue;
    delete base.values[key];
    if (!layers.some((l) => l.values[key] !== undefined)) {
      throw new SettingsError(`${outDir}: the ${key} the other shards recorded had credentials, which are never stored; pass ${flagOf(key)} again`);
    }
  }
  return [base, ...layers];
}

const splitStage = (all: readonly Stage[], name: StageName): Stage & { split: NonNullable<Stage['split']> } => {
  const stage = all.find((s) => s.name === name);
  if (!stage?.split) throw new SettingsError(`${name} does not run as shards (${all.filter((s) => s.split).map((s) => s.name).join(' and ')} do)`);
  return stage as Stage & { split: NonNullable<Stage['split']> };
};

function stageRun(outDir: string, state: RunState, settings: Settings, name: StageName, options: { say: (m: string) => void; result?: (m: string) => void; quiet: boolean; stdin?: NodeJS.ReadableStream; resuming: (ledger: PartLedger<unknown>) => boolean; shard: ShardSpec | null }): StageRun {
  const ledger = new PartLedger(path.join(outDir, PROGRESS_DIR, name));
  const { shard, quiet } = options;
  // A shard's progress lines say which shard: "embed 2/4: preparing model".
  const label = (stage: string) => (shard ? stage.replace(name, `${name} ${shard.index}/${shard.count}`) : stage);
  return {
    settings,
    outDir,
    state,
    log: options.say,
    result: options.result,
    progress: (stage, unit) => new Progress({ stage: label(stage), unit, quiet }),
    quiet,
    stdin: options.stdin,
    ledger,
    resuming: options.resuming(ledger),
    shard,
  };
}

/** Shard I of N of one stage: this shard's units, recorded in progress/<stage>/shard-I-of-N.json (never in manifest.json). */
async function runShard(plan: StagePlan, ctx: StageRun, shard: ShardSpec, say: (m: string) => void): Promise<void> {
  const split = plan.stage.split!;
  const name = plan.stage.name as ShardedStage;
  const prepared = plan.stage.prepare ? await plan.stage.prepare(ctx) : undefined;
  const units = await split.units(ctx);
  const mine = units.filter((u) => u.from % shard.count === shard.index);
  const record = newShardRecord(name, shard, {
    key: plan.key,
    settings: plan.recorded,
    ...(plan.stage.settings.includes('shard_unit_bytes') ? { shard_unit_bytes: ctx.settings.shard_unit_bytes } : {}),
    total: units.length,
    owned: mine.map((u) => u.id),
  });
  writeShardRecord(ctx.outDir, record);
  const { facts, note } = await split.run(ctx, prepared, mine, plan.key);
  writeShardRecord(ctx.outDir, { ...record, ...facts, status: 'complete', finished_at: new Date().toISOString() });
  say(`${name} shard ${shard.index}/${shard.count}: ${mine.length} of ${units.length} ${split.noun}${note}; when every shard is done: semclust merge ${ctx.outDir}`);
}

/** Runs `request`; `all` is every stage declaration (stageList(); tests give small fake stages). */
export async function runStages(request: RunRequest, all: readonly Stage[] = stageList()): Promise<RunState> {
  const { outDir, stages } = request;
  const shard = request.shard ?? null;
  const say = request.log ?? (request.quiet ? () => {} : log);
  const quiet = request.quiet ?? false;
  const result = request.result ?? say;
  if (shard && stages.length !== 1) throw new SettingsError(`a shard runs one stage, not ${stages.join(', ')}`);
  const sharded = shard ? (splitStage(all, stages[0]).name as ShardedStage) : null;
  if (shard) checkShardFolder(outDir);
  else checkRunFolder(outDir);
  let current: { name: StageName; ledger: PartLedger<unknown>; resumable: boolean } | null = null;
  // A signal says what was interrupted and what a rerun does, and frees the lock.
  const interrupted = () =>
    shard
      ? `${sharded} shard ${shard.index}/${shard.count} interrupted; rerun the same command to continue after its finished ${splitStage(all, sharded!).split.noun}`
      : current
        ? current.resumable
          ? `${current.name} interrupted with ${current.ledger.entries().size} parts durable; rerun the same command to continue after them`
          : `${current.name} interrupted; rerun the same command to redo it (earlier stages are kept)`
        : 'interrupted before any stage began';
  const command = request.command ?? 'run';
  const scope = shard ? shardLockScope(sharded!, shard) : 'run';
  const holder = shard ? `${command} ${outDir} --shard ${shard.index}/${shard.count}` : `${command} ${outDir}`;
  return holdLock(outDir, scope, holder, say, interrupted, async () => {
    // Other shards write beside this one: only the run lock may remove their temp files.
    const stale = shard ? 0 : removeStaleTemps(outDir, 2);
    if (stale > 0) say(`${outDir}: removed ${stale} partial file${stale > 1 ? 's' : ''} left by an interrupted write`);
    const state = RunState.open(outDir);
    const layers = sharded ? shardLayers(outDir, sharded, request.layers) : request.layers;
    const plans = await planStages(state, all, stages, layers, command, request.strict ?? false);
    if (!shard) for (const line of describePlan(plans, state, all)) say(line);
    for (const plan of plans) {
      const name = plan.stage.name;
      const rec = state.record(name);
      if (plan.decision === 'skip') {
        say(shard ? `${name}: complete for these settings in ${outDir}/manifest.json (merged), skipped` : `${name}: complete for these settings, skipped`);
        continue;
      }
      if (shard && rec) {
        const why = plan.reasons.length > 0 ? ` (${plan.reasons.join('; ')})` : '';
        throw new SettingsError(
          `${outDir}: manifest.json already records ${rec.status === 'complete' ? 'a complete' : 'an unfinished'} ${name} stage${why}; shards cannot replace it while others may read it. ` +
            `Use a new output folder, or run \`semclust ${name}\` without --shard to redo it here`,
        );
      }
      // An interrupted attempt with no durable part leaves nothing to keep; a shard keeps whatever its units recorded.
      const ctx = stageRun(outDir, state, plan.settings, name, {
        say,
        result,
        quiet,
        stdin: request.stdin,
        shard,
        resuming: (ledger) => (shard !== null || plan.decision === 'resume' || plan.decision === 'extend') && ledger.entries().size > 0,
      });
      if (shard) {
        await runShard(plan, ctx, shard, say);
        continue;
      }
      // What can fail on bad settings (the model, the server) fails here, before anything is removed.
      const prepared = plan.stage.prepare ? await plan.stage.prepare(ctx) : undefined;
      if (plan.decision === 'resume') say(ctx.resuming ? `${name}: resuming the interrupted attempt` : `${name}: the interrupted attempt left no finished part; starting again`);
      if (plan.decision === 'extend') state.extend(name, plan.key, plan.recorded);
      else if (!ctx.resuming) state.begin(name, plan.key, plan.recorded);
      current = { name, ledger: ctx.ledger, resumable: plan.stage.resumable };
      const stats = await plan.stage.run(ctx, prepared);
      state.complete(name, stats as StageStats<typeof name>);
      current = null;
    }
    if (!shard) result(summaryLines(state, outDir, stages).join('\n'));
    return state;
  });
}

/** What a merge did: `merged` is false when manifest.json already recorded the merged stage. */
export interface Merged {
  summary: string;
  merged: boolean;
}

/** The stage is recorded complete under this attempt's key, as merged shards. */
const mergedEarlier = (state: RunState, stage: StageName, key: string) => {
  const r = state.record(stage);
  return r?.status === 'complete' && r.key === key && typeof r.stats?.shards === 'number';
};

/**
 * Checks and merges each sharded stage of OUTDIR in stage order (none: empty): every shard of
 * its latest attempt must be done (else ShardsIncomplete names them and the commands that rerun
 * them); then, under the run lock, the stage's split merges the units and the stage is recorded
 * as if one process had run it.
 */
export async function mergeShards(outDir: string, say: (m: string) => void = log, quiet = false, all: readonly Stage[] = stageList()): Promise<Merged[]> {
  const out: Merged[] = [];
  for (const stage of all.filter((s) => s.split)) {
    const name = stage.name as ShardedStage;
    const split = stage.split!;
    const records = readShardRecords(outDir, name);
    const attempt = latestAttempt(records);
    if (!attempt) continue;
    const earlier = { summary: `${name}: ${attempt.count} shards, merged earlier`, merged: false };
    if (mergedEarlier(RunState.open(outDir), name, attempt.key)) {
      out.push(earlier);
      continue;
    }
    const base = recordedShardLayer(outDir, name)!;
    const context = (state: RunState, settings: Settings) => stageRun(outDir, state, settings, name, { say, quiet, shard: null, resuming: () => false });
    const unfinished = await split.unfinished(context(RunState.open(outDir), resolveSettings([base])), attempt.records);
    checkShards(outDir, name, attempt.records, attempt.count, unfinished, split.noun);
    out.push(
      await holdLock(outDir, 'run', `merge ${outDir}`, say, () => `merge interrupted; rerun semclust merge ${outDir} (its rewrites are atomic)`, async () => {
        const state = RunState.open(outDir);
        if (mergedEarlier(state, name, attempt.key)) return earlier;
        let settings = resolveSettings([base]);
        // A stage with upstream is merged only onto the upstream its shards ran on.
        if (stage.needs.length > 0) {
          const [plan] = await planStages(state, all, [name], [base], 'merge', false);
          if (plan.key !== attempt.key) {
            throw new ShardsIncomplete(`${outDir}: the ${name} shards ran on another ${stage.needs.join(', ')} stage or other settings than ${outDir}/manifest.json now records; rerun them: semclust ${name} ${outDir} --shard I/${attempt.count} for every I`);
          }
          settings = plan.settings;
        }
        const { stats, summary } = await split.merge(context(state, settings), attempt.records);
        const latest: ShardRecord = attempt.records.reduce((a, b) => (a.started_at >= b.started_at ? a : b));
        const started = attempt.records.map((r) => r.started_at).sort()[0];
        state.adopt(name, attempt.key, latest.settings, started, { ...(stats as object), shards: attempt.count } as StageStats<ShardedStage>);
        return { merged: true, summary: `${name}: ${attempt.count} shards merged: ${summary}` };
      }),
    );
  }
  return out;
}
