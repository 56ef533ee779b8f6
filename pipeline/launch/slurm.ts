/**
 * Slurm: one `sbatch --array=0-(N-1)` script; array task i runs the stage command with
 * `--shard $SLURM_ARRAY_TASK_ID/N` and records its exit status in status/<job>-<task>.exit,
 * because Slurm's own accounting (sacct) is often not configured. Reference: sbatch(1),
 * "Job Array Support" (slurm.schedmd.com/job_array.html).
 * Array task ids must be below the cluster's MaxArraySize (1001 by default, as datatrove
 * assumes), so more shards are submitted as several arrays of the same script, each given
 * the shard of its task 0 as the script's argument. With --stages each stage has its script
 * (fit, dedup and sample one task) and waits for the jobs before it (--dependency=afterok).
 */
import { shellJoin, shellQuote } from '../../core/util/shell-quote.js';
import { LaunchUsageError, commentSafe, fileIn, mergeArgv, requireEnvLines, shellWords, type LaunchJob, type Rendered, type Word } from './job.js';
import type { ChainedStage } from './stage-chain.js';

/** Seconds → Slurm's `D-HH:MM:SS` (or `HH:MM:SS` under a day). */
export function slurmTime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor((seconds % 86400) / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

/** Slurm's default MaxArraySize (slurm.conf(5)); datatrove assumes the same. */
export const DEFAULT_MAX_ARRAY_SIZE = 1001;

/** The stages a launch submits: the stage command's array, or with --stages each stage in order. */
export function slurmStages(job: LaunchJob): ChainedStage[] {
  return job.chain ?? [{ command: job.stage.command, args: job.stage.args, sharded: true }];
}

export const slurmScript = (job: LaunchJob, stage: string = job.stage.command): string => fileIn(job, `${stage}.sbatch`);
export const slurmLogs = (job: LaunchJob): string => fileIn(job, 'logs');
export const slurmStatus = (job: LaunchJob): string => fileIn(job, 'status');
/** The chained submission as a shell script, for --no-submit or a machine without sbatch. */
export const slurmSubmitScript = (job: LaunchJob): string => fileIn(job, 'submit.sh');

/** A stage's job name: the launch's for one stage, `<name>-<stage>` (or semclust-<stage>) in a chain. */
export function slurmJobName(job: LaunchJob, stage: string): string {
  return job.chain ? `${job.options.job_name ?? 'semclust'}-${stage}` : job.name;
}

/** One array of a stage: task t runs shard offset + t. */
export interface ArrayChunk {
  offset: number;
  size: number;
}

/**
 * Shards 0…N-1 as arrays whose task ids stay below MaxArraySize (a task id, not the task
 * count, is what slurmctld checks): 2500 shards at 1001 → 0-1000, 1001-2001, 2002-2499.
 */
export function arrayChunks(shards: number, maxArraySize: number): ArrayChunk[] {
  const chunks: ArrayChunk[] = [];
  for (let offset = 0; offset < shards; offset += maxArraySize) chunks.push({ offset, size: Math.min(maxArraySize, shards - offset) });
  return chunks;
}
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
function outputPattern(job: LaunchJob, stage: ChainedStage): string {
  const logs = slurmLogs(job);
  if (logs.includes('\\')) throw new LaunchUsageError(`OUTDIR ${JSON.stringify(job.stage.outDir)} holds a backslash, which turns off sbatch's %A_%a log names: use a folder without one`);
  return `${logs.replace(/%/g, '%%')}/${stage.command}-${stage.sharded ? '%A_%a' : '%j'}.log`;
}

/** A stage's arrays: the shards split below MaxArraySize. */
export const slurmChunks = (job: LaunchJob): ArrayChunk[] => arrayChunks(job.shards, job.maxArraySize ?? DEFAULT_MAX_ARRAY_SIZE);

/** An `--array` value with the --max-concurrent throttle (`0-63%8`). */
const throttled = (job: LaunchJob, ids: string): string => `${ids}${job.options.max_concurrent ? `%${job.options.max_concurrent}` : ''}`;

function directives(job: LaunchJob, stage: ChainedStage): string[] {
  const o = job.options;
  return [
    `--job-name=${slurmJobName(job, stage.command)}`,
    stage.sharded && `--array=${throttled(job, `0-${slurmChunks(job)[0].size - 1}`)}`,
    `--chdir=${sbatchValue('the current folder', job.cwd)}`,
    `--output=${sbatchValue('OUTDIR', outputPattern(job, stage))}`,
    o.partition && `--partition=${sbatchValue('--partition', o.partition)}`,
    o.account && `--account=${sbatchValue('--account', o.account)}`,
    o.qos && `--qos=${sbatchValue('--qos', o.qos)}`,
    o.cpus && `--cpus-per-task=${o.cpus}`,
    o.mem && `--mem=${o.mem}M`,
    o.gpus && `--gres=gpu:${o.gpus}`,
    o.time && `--time=${slurmTime(o.time)}`,
    ...(o.sbatch_arg ?? []).map((a) => (a.value === undefined ? `--${a.key}` : `--${a.key}=${sbatchValue(`--sbatch-arg --${a.key}`, a.value)}`)),
  ].filter((d): d is string => Boolean(d));
}

/** The lines that stop a task whose credentials were not exported: only those its command reads. */
function envLines(job: LaunchJob, argv: readonly Word[]): string {
  const used = new Set(argv.flatMap((w) => (typeof w === 'string' ? [] : [w.env])));
  return requireEnvLines({ ...job, stage: { ...job.stage, secrets: job.stage.secrets.filter((s) => used.has(s.env)) } })
    .map((l) => `${l}\n`)
    .join('');
}

function stageScript(job: LaunchJob, stage: ChainedStage): string {
  const script = slurmScript(job, stage.command);
  const argv: Word[] = [...job.semclust, stage.command, ...stage.args];
  const head = `#!/bin/bash\n`;
  const sbatch = directives(job, stage).map((d) => `#SBATCH ${d}`).join('\n');
  // Comments carry no argument text (a line break in it would end the comment and run the rest).
  if (!stage.sharded) {
    return `${head}# semclust launch slurm: semclust ${stage.command}, one task${job.chain ? ' that waits for the stages before it' : ''}.
${sbatch}

${envLines(job, argv)}${shellWords(argv)}
code=$?
echo "$code" > ${shellQuote(slurmStatus(job))}/"$SLURM_JOB_ID.exit"
exit "$code"
`;
  }
  // The shard's command with the task id left to the shell: everything else is quoted, and a
  // credential is read from the environment sbatch exports to the task.
  return `${head}# semclust launch slurm: ${job.shards} shards of semclust ${stage.command}, one array task each.
#   submit:          sbatch ${commentSafe(shellQuote(script))}${slurmChunks(job).length > 1 ? ' (one array of them: see submit.sh)' : ''}
#   rerun shard 2:   sbatch --array=2 ${commentSafe(shellQuote(script))}
#   then check:      ${commentSafe(shellJoin(mergeArgv(job)))}
${sbatch}

${envLines(job, argv)}# The shard is the script's argument (the shard of task 0 when the shards were split into
# arrays below MaxArraySize; 0 by default) plus the task id. N is written here, not read from
# SLURM_ARRAY_TASK_COUNT: a rerun of one task (--array=2) is an array of one, and still shard 2 of ${job.shards}.
offset=\${1:-0}
case $offset in ''|*[!0-9]*) echo "semclust launch: the argument of this script is the shard of task 0, a number" >&2; exit 2 ;; esac
${shellWords(argv)} --shard "$((offset + SLURM_ARRAY_TASK_ID))/${job.shards}"
code=$?
echo "$code" > ${shellQuote(slurmStatus(job))}/"$SLURM_ARRAY_JOB_ID-$SLURM_ARRAY_TASK_ID.exit"
exit "$code"
`;
}

/**
 * sbatch's arguments for one job of a stage: the dependency on the jobs before it (a failed
 * one cancels this job rather than leaving it pending forever), the array when it is not the
 * script's own (a later chunk, or the tasks to rerun), the script, and the chunk's offset.
 */
export function sbatchArgv(job: LaunchJob, stage: ChainedStage, chunk: ArrayChunk | null, after: readonly string[], tasks?: readonly number[]): string[] {
  const own = slurmChunks(job)[0].size;
  const array = !chunk ? null : tasks ? tasks.join(',') : chunk.size !== own ? `0-${chunk.size - 1}` : null;
  return [
    ...(after.length ? [`--dependency=afterok:${after.join(':')}`, '--kill-on-invalid-dep=yes'] : []),
    ...(array === null ? [] : [`--array=${throttled(job, array)}`]),
    slurmScript(job, stage.command),
    ...(chunk && chunk.offset > 0 ? [String(chunk.offset)] : []),
  ];
}

/** What ends a launch: the merge check after shards, the run's status after a single stage. */
export function slurmAfter(job: LaunchJob): string[] {
  const last = slurmStages(job).at(-1)!;
  return last.sharded ? mergeArgv(job) : [...job.semclust, 'status', job.stage.outDir];
}

/** submit.sh: every job in order, each stage's jobs waiting for the jobs of the stage before. */
function submitScript(job: LaunchJob): string {
  const lines: string[] = [];
  let before: string[] = [];
  for (const stage of slurmStages(job)) {
    const chunks = stage.sharded ? slurmChunks(job) : [null];
    const ids = chunks.map((_, c) => `${stage.command}_${c}`);
    for (const [c, chunk] of chunks.entries()) {
      const argv = sbatchArgv(job, stage, chunk, before.map((v) => `\${${v}}`));
      // The dependency word holds the ids as the shell expands them; every other word is quoted.
      const words = argv.map((w) => (w.startsWith('--dependency=') ? `"${w}"` : shellQuote(w)));
      lines.push(`${ids[c]}=$(sbatch --parsable ${words.join(' ')} | cut -d';' -f1)`);
    }
    lines.push(`echo "submitted ${stage.command}: ${ids.map((v) => `\${${v}}`).join(' ')}"`);
    before = ids;
  }
  return `#!/bin/bash
# semclust launch slurm: submits ${slurmStages(job).map((s) => s.command).join(', ')}${job.chain ? ', each stage after the one before has succeeded (afterok)' : ` as ${slurmChunks(job).length} arrays below MaxArraySize`}.
set -euo pipefail
cd ${shellQuote(job.cwd)}
${lines.join('\n')}
`;
}

export function renderSlurm(job: LaunchJob): Rendered {
  const stages = slurmStages(job);
  const files = stages.map((stage) => ({ path: slurmScript(job, stage.command), text: stageScript(job, stage), executable: true }));
  const single = stages.length === 1 && slurmChunks(job).length === 1;
  if (!single) files.push({ path: slurmSubmitScript(job), text: submitScript(job), executable: true });
  return {
    files,
    client: 'sbatch',
    submit: single ? [['sbatch', slurmScript(job)]] : [['bash', slurmSubmitScript(job)]],
    after: [shellJoin(slurmAfter(job))],
  };
}
