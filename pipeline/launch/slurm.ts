/**
 * Slurm: one `sbatch --array=0-(N-1)` script; array task i runs the stage command with
 * `--shard $SLURM_ARRAY_TASK_ID/N` and records its exit status in status/<job>-<task>.exit,
 * because Slurm's own accounting (sacct) is often not configured. Reference: sbatch(1),
 * "Job Array Support" (slurm.schedmd.com/job_array.html).
 */
import { shellJoin, shellQuote } from '../../core/util/shell-quote.js';
import { LaunchUsageError, commentSafe, fileIn, mergeArgv, requireEnvLines, shardArgv, shellWords, type LaunchJob, type Rendered } from './job.js';

/** Seconds → Slurm's `D-HH:MM:SS` (or `HH:MM:SS` under a day). */
export function slurmTime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor((seconds % 86400) / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

export const slurmScript = (job: LaunchJob): string => fileIn(job, `${job.stage.command}.sbatch`);
export const slurmLogs = (job: LaunchJob): string => fileIn(job, 'logs');
export const slurmStatus = (job: LaunchJob): string => fileIn(job, 'status');

/**
 * One `#SBATCH` value as sbatch reads it: sbatch splits the line at blanks, honours "…" and
 * '…' and takes `\` as an escape (src/sbatch/opt.c, _get_argument), so a path with a space is
 * double-quoted with `\` and `"` escaped. A line break cannot be written in a directive at all.
 */
export function sbatchValue(what: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new LaunchUsageError(`${what} ${JSON.stringify(value)} holds a line break, which an #SBATCH line cannot carry: use a path or name without one`);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * The --output pattern: `%` in the folder is doubled (sbatch's filename patterns read %A, %a,
 * …; `%%` is a literal %), and a backslash, which turns the patterns off, is refused.
 */
function outputPattern(job: LaunchJob): string {
  const logs = slurmLogs(job);
  if (logs.includes('\\')) throw new LaunchUsageError(`OUTDIR ${JSON.stringify(job.stage.outDir)} holds a backslash, which turns off sbatch's %A_%a log names: use a folder without one`);
  return `${logs.replace(/%/g, '%%')}/${job.stage.command}-%A_%a.log`;
}

export function renderSlurm(job: LaunchJob): Rendered {
  const o = job.options;
  const script = slurmScript(job);
  const directives = [
    `--job-name=${job.name}`,
    `--array=0-${job.shards - 1}`,
    `--chdir=${sbatchValue('the current folder', job.cwd)}`,
    `--output=${sbatchValue('OUTDIR', outputPattern(job))}`,
    o.partition && `--partition=${sbatchValue('--partition', o.partition)}`,
    o.cpus && `--cpus-per-task=${o.cpus}`,
    o.mem && `--mem=${o.mem}M`,
    o.gpus && `--gres=gpu:${o.gpus}`,
    o.time && `--time=${slurmTime(o.time)}`,
  ].filter((d): d is string => Boolean(d));
  // The shard's command with the task id left to the shell: everything else is quoted, and a
  // credential is read from the environment sbatch exports to the task.
  const shard = `${shellWords(shardArgv(job, 0).slice(0, -1))} "$SLURM_ARRAY_TASK_ID/${job.shards}"`;
  // Comments carry no argument text (a line break in it would end the comment and run the rest).
  const text = `#!/bin/bash
# semclust launch slurm: ${job.shards} shards of semclust ${job.stage.command}, one array task each.
#   submit:          sbatch ${commentSafe(shellQuote(script))}
#   rerun shard 2:   sbatch --array=2 ${commentSafe(shellQuote(script))}
#   then check:      ${commentSafe(shellJoin(mergeArgv(job)))}
${directives.map((d) => `#SBATCH ${d}`).join('\n')}

${requireEnvLines(job).map((l) => `${l}\n`).join('')}# N is written here, not read from SLURM_ARRAY_TASK_COUNT: a rerun of one task (--array=2)
# is an array of one, and still shard 2 of ${job.shards}.
${shard}
code=$?
echo "$code" > ${shellQuote(slurmStatus(job))}/"$SLURM_ARRAY_JOB_ID-$SLURM_ARRAY_TASK_ID.exit"
exit "$code"
`;
  return {
    files: [{ path: script, text, executable: true }],
    client: 'sbatch',
    submit: [['sbatch', script]],
    after: [shellJoin(mergeArgv(job))],
  };
}
