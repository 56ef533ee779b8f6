/**
 * The run protocol, in one place for every stage: plan (settings per stage, skip / resume /
 * run / redo and why, printed before any work), then for each stage begin or resume it,
 * run it, record its typed statistics; finally print the run summary.
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
import { describePlan, planStages } from './plan.js';
import { Progress, log } from '../cli/progress.js';
import type { SettingsLayer } from '../settings/settings.js';
import type { StageRun } from './stage.js';
import { STAGE_BY_NAME, STAGE_LIST, type StageStats } from '../stages/index.js';

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

export async function runStages(request: RunRequest): Promise<RunState> {
  const { outDir, stages } = request;
  const say = request.log ?? (request.quiet ? () => {} : log);
  const result = request.result ?? say;
  checkRunFolder(outDir);
  let current: { name: StageName; ledger: PartLedger<unknown>; resumable: boolean } | null = null;
  // A signal says what was interrupted and what a rerun does, and frees OUTDIR.
  const interrupted = () =>
    current
      ? current.resumable
        ? `${current.name} interrupted with ${current.ledger.entries().size} parts durable; rerun the same command to continue after them`
        : `${current.name} interrupted; rerun the same command to redo it (earlier stages are kept)`
      : 'interrupted before any stage began';
  return holdLock(outDir, 'run', `${request.command ?? 'run'} ${outDir}`, say, interrupted, async () => {
    const stale = removeStaleTemps(outDir, 2);
    if (stale > 0) say(`${outDir}: removed ${stale} partial file${stale > 1 ? 's' : ''} left by an interrupted write`);
    const state = RunState.open(outDir);
    const plans = await planStages(state, STAGE_LIST, stages, request.layers, request.command ?? 'run', request.strict ?? false);
    for (const line of describePlan(plans, state)) say(line);
    for (const plan of plans) {
      const name = plan.stage.name;
      if (plan.decision === 'skip') {
        say(`${name}: complete for these settings, skipped`);
        continue;
      }
      const ledger = new PartLedger(path.join(outDir, PROGRESS_DIR, name));
      // An interrupted attempt with no durable part leaves nothing to keep.
      const resuming = plan.decision === 'resume' && ledger.entries().size > 0;
      const ctx: StageRun = {
        settings: plan.settings,
        outDir,
        state,
        log: say,
        result,
        progress: (stage, unit) => new Progress({ stage, unit, quiet: request.quiet ?? false }),
        quiet: request.quiet ?? false,
        stdin: request.stdin,
        ledger,
        resuming,
      };
      // What can fail on bad settings (the model, the server) fails here, before anything is removed.
      const prepared = plan.stage.prepare ? await plan.stage.prepare(ctx) : undefined;
      if (plan.decision === 'resume') say(resuming ? `${name}: resuming the interrupted attempt` : `${name}: the interrupted attempt left no finished part; starting again`);
      if (!resuming) state.begin(name, plan.key, plan.recorded);
      current = { name, ledger, resumable: plan.stage.resumable };
      const stats = await plan.stage.run(ctx, prepared);
      state.complete(name, stats as StageStats<typeof name>);
      current = null;
    }
    result(summaryLines(state, outDir, stages).join('\n'));
    return state;
  });
}
