/**
 * Slurm: one `sbatch --array=0-(N-1)` script; array task i runs the stage command with
 * `--shard $SLURM_ARRAY_TASK_ID/N` and records its exit status in status/<job>-<task>.exit,
 * because Slurm's own accounting (sacct) is often not configured. Reference: sbatch(1),
 * "Job Array Support" (slurm.schedmd.com/job_array.html).
 */
import { shellJoin, shellQuote } from '../../core/util/shell-quote.js';
import { fileIn, mergeArgv, shardArgv, type LaunchJob, type Rendered } from './job.js';

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

export function renderSlurm(job: LaunchJob): Rendered {
  const o = job.options;
  const script = slurmScript(job);
  const directives = [
    `--job-name=${job.name}`,
    `--array=0-${job.shards - 1}`,
    `--chdir=${job.cwd}`,
    `--output=${slurmLogs(job)}/${job.stage.command}-%A_%a.log`,
    o.partition && `--partition=${o.partition}`,
    o.cpus && `--cpus-per-task=${o.cpus}`,
    o.mem && `--mem=${o.mem}M`,
    o.gpus && `--gres=gpu:${o.gpus}`,
    o.time && `--time=${slurmTime(o.time)}`,
  ].filter((d): d is string => Boolean(d));
  // The shard's command with the task id left to the shell: everything else is quoted.
  const shard = `${shellJoin(shardArgv(job, 0).slice(0, -1))} "$SLURM_ARRAY_TASK_ID/${job.shards}"`;
  const text = `#!/bin/bash
# semclust launch slurm: ${job.shards} shards of \`semclust ${shellJoin([job.stage.command, ...job.stage.args])}\`, one array task each.
#   submit:          sbatch ${shellQuote(script)}
#   rerun shard 2:   sbatch --array=2 ${shellQuote(script)}
#   then check:      ${shellJoin(mergeArgv(job))}
${directives.map((d) => `#SBATCH ${d}`).join('\n')}

# N is written here, not read from SLURM_ARRAY_TASK_COUNT: a rerun of one task (--array=2)
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
