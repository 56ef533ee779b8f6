/**
 * Submits the rendered sbatch script and follows the array until every task has ended:
 * `sbatch --parsable`, then `squeue -r -t all` once a second (state changes are printed),
 * then each task's exit status from the status files the script writes. A task with no
 * status file was cancelled, timed out or killed; Slurm's final state says which.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { shellJoin } from '../../core/util/shell-quote.js';
import { mergeArgv, secretEnv, type LaunchJob } from './job.js';
import type { ShardFailure } from './local.js';
import { slurmLogs, slurmScript, slurmStatus } from './slurm.js';

const run = promisify(execFile);

/** squeue states after which a task does not run again. */
const ENDED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);
/** Once a second: a shard runs for minutes, and squeue is one cheap RPC to slurmctld. */
const POLL_MS = 1000;
/** How long squeue may keep failing before launch stops waiting (the job itself is not touched). */
const SQUEUE_PATIENCE_MS = 120_000;

export interface SlurmOutcome {
  jobId: string;
  failures: ShardFailure[];
}

/** Task id → state, from `squeue -h -r -t all -j ID -o '%K %T'` (array tasks one per line). */
export function parseSqueue(text: string): Map<number, string> {
  const states = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d+)\s+(\S+)/.exec(line.trim());
    if (m) states.set(Number(m[1]), m[2]);
  }
  return states;
}

export async function submitSlurm(job: LaunchJob, tasks: readonly number[], say: (m: string) => void): Promise<SlurmOutcome> {
  const script = slurmScript(job);
  const array = tasks.length === job.shards ? [] : [`--array=${tasks.join(',')}`];
  const submitted = await run('sbatch', ['--parsable', ...array, script], { cwd: job.cwd, env: secretEnv(job) }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`sbatch refused ${script}: ${(e.stderr || e.message).trim()}`);
  });
  const jobId = submitted.stdout.trim().split(';')[0];
  say(`slurm: submitted job ${jobId} (${tasks.length} task${tasks.length > 1 ? 's' : ''}); logs in ${slurmLogs(job)}/`);
  // Ctrl-C stops the waiting, not the job: say how to follow or stop it.
  const onInterrupt = () => {
    say(`slurm: job ${jobId} keeps running; follow it with squeue -j ${jobId}, stop it with scancel ${jobId}, then ${shellJoin(mergeArgv(job))}`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return { jobId, failures: await follow(job, jobId, tasks, say) };
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function follow(job: LaunchJob, jobId: string, tasks: readonly number[], say: (m: string) => void): Promise<ShardFailure[]> {
  const states = new Map<number, string>();
  let shown = '';
  let failingSince = 0;
  for (;;) {
    let listing: string;
    try {
      listing = (await run('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%K %T'], { cwd: job.cwd })).stdout;
      failingSince = 0;
    } catch (e) {
      // slurmctld restarting or briefly unreachable: keep asking for a while.
      failingSince ||= Date.now();
      if (Date.now() - failingSince > SQUEUE_PATIENCE_MS) {
        throw new Error(`squeue has failed for ${SQUEUE_PATIENCE_MS / 1000} s (${((e as { stderr?: string }).stderr ?? '').trim() || (e as Error).message}); job ${jobId} may still run: check squeue -j ${jobId}, then ${shellJoin(mergeArgv(job))}`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      continue;
    }
    const now = parseSqueue(listing);
    for (const [task, state] of now) states.set(task, state);
    const counts = new Map<string, number>();
    for (const state of states.values()) counts.set(state, (counts.get(state) ?? 0) + 1);
    const summary = [...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ');
    if (summary !== shown) say(`slurm: job ${jobId}: ${summary || 'not listed yet'}`);
    shown = summary;
    // An empty listing after tasks were seen: slurmctld has purged the ended job (MinJobAge).
    const done = tasks.every((t) => ENDED.has(states.get(t) ?? '')) || (states.size > 0 && now.size === 0);
    if (done) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return taskFailures(job, jobId, tasks, states);
}

/** The tasks that did not exit 0, from the status files the script writes and Slurm's last state. */
function taskFailures(job: LaunchJob, jobId: string, tasks: readonly number[], states: Map<number, string>): ShardFailure[] {
  const script = slurmScript(job);
  const failures: ShardFailure[] = [];
  for (const task of tasks) {
    const log = path.join(slurmLogs(job), `${job.stage.command}-${jobId}_${task}.log`);
    const rerun = shellJoin(['sbatch', `--array=${task}`, script]);
    const statusFile = path.resolve(job.cwd, slurmStatus(job), `${jobId}-${task}.exit`);
    const code = fs.existsSync(statusFile) ? fs.readFileSync(statusFile, 'utf8').trim() : null;
    if (code === '0') continue;
    const state = states.get(task)?.toLowerCase() ?? 'gone';
    failures.push({ shard: task, why: code === null ? `${state} before it finished` : `exit ${code}`, rerun, log });
  }
  return failures;
}
