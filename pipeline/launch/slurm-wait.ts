/**
 * Submits the rendered sbatch scripts and follows them until every task has ended:
 * `sbatch --parsable` for each array (several when the shards pass MaxArraySize) and, with
 * --stages, each stage after the jobs of the one before (afterok), then `squeue -r -t all`
 * once a second (state changes are printed), then each task's exit status from the status
 * files the scripts write. A task with no status file was cancelled, timed out or killed
 * (a stage after a failed one is cancelled by Slurm); Slurm's final state says which.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { shellJoin } from '../../core/util/shell-quote.js';
import { secretEnv, type LaunchJob } from './job.js';
import type { ShardFailure } from './local.js';
import { DEFAULT_MAX_ARRAY_SIZE, sbatchArgv, slurmAfter, slurmChunks, slurmLogs, slurmStages, slurmStatus, type ArrayChunk } from './slurm.js';
import type { ChainedStage } from './stage-chain.js';

const run = promisify(execFile);

/** squeue states after which a task does not run again. */
const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);
/** Once a second: a shard runs for minutes, and squeue is one cheap RPC to slurmctld. */
const POLL_MS = 1000;
/** How long squeue may keep failing before launch stops waiting (the job itself is not touched). */
const SQUEUE_PATIENCE_MS = 120_000;

/** `MaxArraySize = 1001` from `scontrol show config`; undefined when the line is not there. */
export function parseMaxArraySize(config: string): number | undefined {
  const m = /^MaxArraySize\s*=\s*(\d+)\s*$/m.exec(config);
  return m ? Number(m[1]) : undefined;
}

/**
 * The array size launch splits at: the smaller of --max-array-size and what the cluster says
 * (`scontrol show config`, when scontrol is at hand and answers), else Slurm's default 1001.
 */
export function maxArraySize(given: number | undefined): number {
  let cluster: number | undefined;
  try {
    cluster = parseMaxArraySize(execFileSync('scontrol', ['show', 'config'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    cluster = undefined;
  }
  const known = [given, cluster].filter((n): n is number => n !== undefined);
  return known.length ? Math.min(...known) : DEFAULT_MAX_ARRAY_SIZE;
}

/** One submitted job: a stage's array (task t is shard offset + t) or its single task. */
interface Submitted {
  stage: ChainedStage;
  jobId: string;
  chunk: ArrayChunk | null;
  tasks: number[];
}

export interface StageOutcome {
  stage: ChainedStage;
  jobIds: string[];
  /** Shards (or the single task, shard 0) that did not exit 0. */
  failures: ShardFailure[];
}

/** Task key → state, from `squeue -h -r -t all -j IDS -o '%F %K %T'`: `ARRAYJOB:TASK`, a job that is not an array as task 0. */
export function parseSqueue(text: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(\d+|N\/A)\s+(\S+)/.exec(line.trim());
    if (m) states.set(`${m[1]}:${m[2] === 'N/A' ? 0 : m[2]}`, m[3]);
  }
  return states;
}

async function sbatch(job: LaunchJob, argv: string[]): Promise<string> {
  const submitted = await run('sbatch', ['--parsable', ...argv], { cwd: job.cwd, env: secretEnv(job) }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`sbatch refused ${argv.find((w) => w.endsWith('.sbatch'))}: ${(e.stderr || e.message).trim()}`);
  });
  return submitted.stdout.trim().split(';')[0];
}

export async function submitSlurm(job: LaunchJob, shards: readonly number[], say: (m: string) => void): Promise<StageOutcome[]> {
  const jobs: Submitted[] = [];
  const stages = slurmStages(job);
  let before: string[] = [];
  for (const stage of stages) {
    const mine: Submitted[] = [];
    for (const chunk of stage.sharded ? slurmChunks(job) : [null]) {
      const tasks = chunk ? shards.filter((s) => s >= chunk.offset && s < chunk.offset + chunk.size).map((s) => s - chunk.offset) : [0];
      if (tasks.length === 0) continue;
      const jobId = await sbatch(job, sbatchArgv(job, stage, chunk, before, chunk && tasks.length < chunk.size ? tasks : undefined));
      mine.push({ stage, jobId, chunk, tasks });
    }
    const n = mine.reduce((sum, j) => sum + j.tasks.length, 0);
    const ids = mine.map((j) => j.jobId).join(', ');
    const waits = before.length ? `, after ${before.join(', ')}` : '';
    say(job.chain ? `slurm: submitted ${stage.command}: job ${ids} (${n} task${n > 1 ? 's' : ''}${waits})` : `slurm: submitted job ${ids} (${n} task${n > 1 ? 's' : ''}); logs in ${slurmLogs(job)}/`);
    jobs.push(...mine);
    before = mine.map((j) => j.jobId);
  }
  if (job.chain) say(`slurm: logs in ${slurmLogs(job)}/`);
  const all = jobs.map((j) => j.jobId).join(',');
  // Ctrl-C stops the waiting, not the jobs: say how to follow or stop them.
  const onInterrupt = () => {
    say(`slurm: job ${all} keeps running; follow it with squeue -j ${all}, stop it with scancel ${all.replace(/,/g, ' ')}, then ${shellJoin(slurmAfter(job))}`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const states = await follow(job, jobs, say);
    return stages.map((stage) => {
      const mine = jobs.filter((j) => j.stage === stage);
      return { stage, jobIds: mine.map((j) => j.jobId), failures: mine.flatMap((j) => taskFailures(job, j, states)) };
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function follow(job: LaunchJob, jobs: readonly Submitted[], say: (m: string) => void): Promise<Map<string, string>> {
  const ids = jobs.map((j) => j.jobId).join(',');
  const keys = jobs.flatMap((j) => j.tasks.map((t) => `${j.jobId}:${t}`));
  const states = new Map<string, string>();
  let shown = '';
  let failingSince = 0;
  for (;;) {
    let listing: string;
    try {
      listing = (await run('squeue', ['-h', '-r', '-t', 'all', '-j', ids, '-o', '%F %K %T'], { cwd: job.cwd })).stdout;
      failingSince = 0;
    } catch (e) {
      // slurmctld restarting or briefly unreachable: keep asking for a while.
      failingSince ||= Date.now();
      if (Date.now() - failingSince > SQUEUE_PATIENCE_MS) {
        throw new Error(`squeue has failed for ${SQUEUE_PATIENCE_MS / 1000} s (${((e as { stderr?: string }).stderr ?? '').trim() || (e as Error).message}); job ${ids} may still run: check squeue -j ${ids}, then ${shellJoin(slurmAfter(job))}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    const now = parseSqueue(listing);
    for (const [key, state] of now) states.set(key, state);
    const parts: string[] = [];
    for (const stage of new Set(jobs.map((j) => j.stage))) {
      const counts = new Map<string, number>();
      for (const j of jobs.filter((x) => x.stage === stage)) {
        for (const t of j.tasks) {
          const state = states.get(`${j.jobId}:${t}`);
          if (state) counts.set(state, (counts.get(state) ?? 0) + 1);
        }
      }
      const summary = [...counts].map(([st, n]) => `${n} ${st.toLowerCase()}`).join(', ');
      if (summary) parts.push(job.chain ? `${stage.command} ${summary}` : summary);
    }
    const summary = parts.join('; ');
    if (summary !== shown) say(`slurm: job ${ids}: ${summary || 'not listed yet'}`);
    shown = summary;
    // An empty listing after tasks were seen: slurmctld has purged the ended jobs (MinJobAge).
    const done = keys.every((k) => ENDED.has(states.get(k) ?? '')) || (states.size > 0 && now.size === 0);
    if (done) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return states;
}

/** The tasks of one job that did not exit 0, from the status files the script writes and Slurm's last state. */
function taskFailures(job: LaunchJob, submitted: Submitted, states: Map<string, string>): ShardFailure[] {
  const { stage, jobId, chunk } = submitted;
  const failures: ShardFailure[] = [];
  for (const task of submitted.tasks) {
    const log = path.join(slurmLogs(job), chunk ? `${stage.command}-${jobId}_${task}.log` : `${stage.command}-${jobId}.log`);
    const rerun = shellJoin(['sbatch', ...sbatchArgv(job, stage, chunk, [], chunk ? [task] : undefined)]);
    const statusFile = path.resolve(job.cwd, slurmStatus(job), chunk ? `${jobId}-${task}.exit` : `${jobId}.exit`);
    const code = fs.existsSync(statusFile) ? fs.readFileSync(statusFile, 'utf8').trim() : null;
    if (code === '0') continue;
    const state = states.get(`${jobId}:${task}`)?.toLowerCase() ?? 'gone';
    failures.push({ shard: (chunk?.offset ?? 0) + task, why: code === null ? `${state} before it finished` : `exit ${code}`, rerun, log });
  }
  return failures;
}
