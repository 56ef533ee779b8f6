/**
 * `semclust launch SCHEDULER --shards N [options] -- STAGE COMMAND`: checks the stage command,
 * renders the job into OUTDIR/launch/<scheduler>/, then runs it (local), submits it when the
 * scheduler's client is on PATH (sbatch waits for the array and reports each task; kubectl,
 * aws and ray submit and say how to follow), or prints the exact commands. A launch that waited
 * for its shards ends with the merge check, `semclust merge OUTDIR`, and returns its exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILES } from '../../schemas/tables.js';
import { LAUNCH_BOOLEANS, LAUNCH_KEYS, LAUNCH_REPEATED, SCHEDULERS, launchOptionsSchema, type LaunchKey, type Scheduler } from '../../schemas/launch.js';
import { shellJoin } from '../../core/util/shell-quote.js';
import { writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import { closestWord } from '../settings/settings.js';
import { LaunchUsageError, mergeArgv, secretEnv, type LaunchJob, type Rendered } from './job.js';
import { SECRET_ARN_PLACEHOLDER, renderBatch } from './batch.js';
import { renderK8s } from './k8s.js';
import { runLocal, type ShardFailure } from './local.js';
import { rayAddress, renderRay } from './ray.js';
import { submitRay } from './ray-submit.js';
import { renderSlurm, slurmLogs, slurmStatus } from './slurm.js';
import { maxArraySize, submitSlurm, type StageOutcome } from './slurm-wait.js';
import { chainStages } from './stage-chain.js';
import { parseStageCommand } from './stage-command.js';
import { flagOf, keyOfFlag } from '../../schemas/flag-name.js';

const RENDER: Record<Exclude<Scheduler, 'local'>, (job: LaunchJob) => Rendered> = { slurm: renderSlurm, k8s: renderK8s, batch: renderBatch, ray: renderRay };

/** This semclust, as a shard on this machine (or a cluster sharing its file system) calls it. */
const THIS_CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/semclust.js');

/** `--shards 4 --cpus=8 --no-submit` → the launch options, typed by schemas/launch.ts. */
export function parseLaunchOptions(words: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const m = /^--([a-z][a-z0-9_-]*)(?:=(.*))?$/.exec(word);
    if (!m) throw new LaunchUsageError(`unexpected "${word}" before --; the stage command goes after --: semclust launch SCHEDULER --shards N -- embed IN… OUT`);
    const key = keyOfFlag(m[1]) as LaunchKey;
    if (!LAUNCH_KEYS.includes(key)) {
      const guess = closestWord(key, [...LAUNCH_KEYS]);
      throw new LaunchUsageError(`unknown launch option --${m[1]}${guess ? `; did you mean ${flagOf(guess)}?` : ''} (semclust help launch lists them; stage flags go after --)`);
    }
    if (LAUNCH_BOOLEANS.includes(key)) {
      values[key] = m[2] === undefined ? true : m[2] !== 'false';
      continue;
    }
    const value = m[2] ?? words[++i];
    if (value === undefined) throw new LaunchUsageError(`--${m[1]} needs a value`);
    values[key] = LAUNCH_REPEATED.includes(key) ? [...((values[key] as string[] | undefined) ?? []), value] : value;
  }
  return values;
}

export function onPath(exe: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, exe), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Splits a --semclust value into words the way a shell would for plain words (`node /x/bin/semclust.js`). */
const words = (s: string) => s.trim().split(/\s+/);

/**
 * Node decodes its arguments and working folder as UTF-8, replacing each byte that is not
 * with U+FFFD, so such a word is already lost here; the YAML and JSON of the k8s, Batch and
 * Ray jobs could not carry it either. Refused rather than run with a different argument.
 */
function requireUtf8(argv: readonly string[], cwd: string): void {
  const bad = argv.findIndex((w) => w.includes('\uFFFD'));
  if (bad >= 0) throw new LaunchUsageError(`argument ${bad + 1} of the launch (${JSON.stringify(argv[bad])}) holds bytes that are not UTF-8 (shown as \uFFFD); launch could not pass it on unchanged: rename the file or folder, or write the value in UTF-8`);
  if (cwd.includes('\uFFFD')) throw new LaunchUsageError(`the current folder ${JSON.stringify(cwd)} has a name that is not UTF-8; launch could not write it into a job unchanged: run it from a folder whose path is UTF-8`);
}

export function buildJob(argv: readonly string[], cwd: string): LaunchJob {
  requireUtf8(argv, cwd);
  const sep = argv.indexOf('--');
  if (sep < 0) throw new LaunchUsageError('no -- before the stage command: semclust launch SCHEDULER --shards N [options] -- embed IN… OUT');
  const [scheduler, ...optionWords] = argv.slice(0, sep);
  if (!(SCHEDULERS as readonly string[]).includes(scheduler)) {
    throw new LaunchUsageError(`${scheduler === undefined ? 'no scheduler' : `unknown scheduler "${scheduler}"`}: write one of ${SCHEDULERS.join(', ')} first (semclust launch slurm --shards 4 -- …)`);
  }
  const raw = parseLaunchOptions(optionWords);
  if (raw.shards === undefined) throw new LaunchUsageError('--shards N is required: how many shards to split the stage into');
  const parsed = launchOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LaunchUsageError(`${flagOf(String(issue.path[0] ?? ''))}: ${issue.message}`);
  }
  const options = parsed.data;
  const stage = parseStageCommand(argv.slice(sep + 1));
  const bad = options.only?.find((s) => s >= options.shards);
  if (bad !== undefined) throw new LaunchUsageError(`--only ${bad}: shards are numbered 0 to ${options.shards - 1}`);
  if (options.only && scheduler !== 'local' && scheduler !== 'slurm') throw new LaunchUsageError(`--only reruns shards with local or slurm; on ${scheduler} resubmit the shard as the rendered files say`);
  if (options.stages && options.only) throw new LaunchUsageError('--only reruns shards of one stage; without --stages: rerun them, then launch the stages after it with --stages');
  if (options.stages && scheduler !== 'slurm') throw new LaunchUsageError(`--stages chains jobs on slurm; on ${scheduler} launch each sharded stage and run fit and sample after it`);
  const hostSide = scheduler === 'local' || scheduler === 'slurm';
  return {
    scheduler: scheduler as Scheduler,
    stage,
    shards: options.shards,
    options,
    semclust: options.semclust ? words(options.semclust) : hostSide ? [process.execPath, THIS_CLI] : ['semclust'],
    name: options.job_name ?? `semclust-${stage.command}`,
    dir: path.join(stage.outDir, FILES.launch, scheduler),
    cwd,
    ...(options.stages ? { chain: chainStages(stage, options.stages) } : {}),
  };
}

function writeRendered(job: LaunchJob, rendered: Rendered): void {
  for (const file of rendered.files) {
    const target = path.resolve(job.cwd, file.path);
    writeFileAtomic(target, file.text);
    if (file.executable) fs.chmodSync(target, 0o755);
  }
}

/** Where each scheduler's job reads the credentials from, for the line that names their variables. */
const SECRET_SOURCE: Record<Scheduler, string> = {
  local: 'launch passes them to the shards it starts',
  slurm: 'sbatch exports them to the tasks; launch sets them when it submits',
  k8s: 'a Secret the submit commands create from the environment they are run in',
  batch: `the job definition's secrets: store each in Secrets Manager or SSM and put its ARN where it says ${SECRET_ARN_PLACEHOLDER}`,
  ray: 'the environment the Ray nodes were started with (export them before ray start)',
};

/** Names the variables that stand for credentials in the rendered job, never their values. */
function sayCredentials(job: LaunchJob, say: (m: string) => void): void {
  const names = job.stage.secrets.map((s) => s.env);
  if (names.length === 0) return;
  const source = job.scheduler === 'k8s' && job.options.secret ? `the Secret ${job.options.secret}, a key of that name each` : SECRET_SOURCE[job.scheduler];
  say(`credentials: ${names.join(', ')} stand${names.length === 1 ? 's' : ''} for the URL${names.length === 1 ? '' : 's'} with credentials in the stage command; no rendered file or printed line holds ${names.length === 1 ? 'it' : 'them'}: the job reads ${names.length === 1 ? 'it' : 'them'} from the environment (${source})`);
}

/** Runs `semclust merge OUTDIR` with this process's output; its exit code ends the launch. */
function mergeCheck(job: LaunchJob, say: (m: string) => void): Promise<number> {
  const [exe, ...args] = mergeArgv(job);
  say(`merge check: ${shellJoin(mergeArgv(job))}`);
  return new Promise((resolve) => {
    const child = spawn(exe, args, { cwd: job.cwd, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (e) => {
      say(`could not run the merge check: ${e.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function reportFailures(failures: readonly ShardFailure[], job: LaunchJob, say: (m: string) => void): void {
  if (failures.length === 0) return;
  say(`${failures.length} of ${job.shards} shards failed: ${failures.map((f) => f.shard).join(', ')}`);
  for (const f of failures) say(`  shard ${f.shard}/${job.shards}: ${f.why}${f.log ? ` (log ${f.log})` : ''}; rerun it: ${f.rerun}`);
  say(`finished units are kept, so a rerun does only what the shard had left; then: ${shellJoin(mergeArgv(job))}`);
}

/**
 * The end of a chained Slurm launch: each stage succeeded, or the first that failed is named
 * with its failed shards (or its task) and rerun commands, and the stages after it, which
 * Slurm cancelled, are listed with the launch that submits them once it has been rerun.
 */
function reportChain(outcomes: readonly StageOutcome[], job: LaunchJob, say: (m: string) => void): number {
  const failed = outcomes.findIndex((o) => o.failures.length > 0);
  if (failed < 0) {
    say(`slurm: ${outcomes.map((o) => `${o.stage.command} (job ${o.jobIds.join(', ')})`).join(', ')} succeeded, in that order`);
    return 0;
  }
  const { stage, failures } = outcomes[failed];
  if (stage.sharded) reportFailures(failures, job, say);
  else say(`${stage.command} failed: ${failures[0].why} (log ${failures[0].log}); rerun it: ${failures[0].rerun}`);
  const rest = outcomes.slice(failed + 1).map((o) => o.stage.command);
  if (rest.length) {
    say(`${rest.join(', ')} did not run (Slurm cancelled them: they waited for ${stage.command}); once it has succeeded, submit their scripts in ${job.dir} in that order, each with sbatch --dependency=afterok:<the job id before>`);
  }
  return 1;
}

async function runCommands(commands: readonly string[][], job: LaunchJob, say: (m: string) => void): Promise<number> {
  for (const [exe, ...args] of commands) {
    say(`$ ${shellJoin([exe, ...args])}`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(exe, args, { cwd: job.cwd, env: secretEnv(job), stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', () => resolve(127));
      child.on('close', (c) => resolve(c ?? 1));
    });
    if (code !== 0) return code;
  }
  return 0;
}

export async function launch(argv: readonly string[], say: (m: string) => void, cwd = process.cwd()): Promise<number> {
  const job = buildJob(argv, cwd);
  const shards = job.options.only ?? Array.from({ length: job.shards }, (_, i) => i);
  if (job.scheduler === 'local') {
    say(`local: ${shards.length} shard${shards.length > 1 ? 's' : ''} of semclust ${job.stage.command}, ${Math.min(job.options.parallelism ?? job.shards, shards.length)} at a time`);
    sayCredentials(job, say);
    const failures = await runLocal(job, shards);
    reportFailures(failures, job, say);
    const merged = await mergeCheck(job, say);
    return failures.length > 0 ? 1 : merged;
  }
  if (job.scheduler === 'slurm') job.maxArraySize = maxArraySize(job.options.max_array_size);
  const rendered = RENDER[job.scheduler](job);
  if (job.scheduler === 'slurm') {
    fs.mkdirSync(path.resolve(cwd, slurmLogs(job)), { recursive: true });
    fs.mkdirSync(path.resolve(cwd, slurmStatus(job)), { recursive: true });
  }
  writeRendered(job, rendered);
  say(`${job.scheduler}: rendered ${rendered.files.map((f) => f.path).join(', ')}`);
  sayCredentials(job, say);
  const noQueue = job.scheduler === 'batch' && !job.options.job_queue;
  const noSecretArn = job.scheduler === 'batch' && job.stage.secrets.length > 0;
  // Ray is reached over HTTP: an address given is as good as the CLI on PATH.
  const reachable = onPath(rendered.client) || (job.scheduler === 'ray' && Boolean(job.options.ray_address ?? process.env.RAY_ADDRESS));
  if (job.options.no_submit || !reachable || noQueue || noSecretArn) {
    const why = job.options.no_submit
      ? '--no-submit'
      : noQueue
        ? 'no --job-queue (edit jobQueue in the submission file, or pass --job-queue)'
        : noSecretArn
          ? `the job definition's secrets say ${SECRET_ARN_PLACEHOLDER}: put the ARN of each secret there`
          : job.scheduler === 'ray'
            ? 'ray is not on PATH and no --ray-address or RAY_ADDRESS was given'
            : `${rendered.client} is not on PATH`;
    const exported = job.stage.secrets.length > 0 && (job.scheduler === 'slurm' || (job.scheduler === 'k8s' && !job.options.secret));
    say(`not submitted (${why}); to submit, run${exported ? ` with ${job.stage.secrets.map((s) => s.env).join(', ')} exported` : ''}:`);
    for (const c of rendered.submit) say(`  ${shellJoin(c)}`);
    say('when the shards have finished:');
    for (const c of rendered.after) say(`  ${c}`);
    return 0;
  }
  if (job.scheduler === 'slurm') {
    const outcomes = await submitSlurm(job, shards, say);
    if (!job.chain) {
      reportFailures(outcomes[0].failures, job, say);
      const merged = await mergeCheck(job, say);
      return outcomes[0].failures.length > 0 ? 1 : merged;
    }
    return reportChain(outcomes, job, say);
  }
  if (job.scheduler === 'ray') {
    await submitRay(rayAddress(job), (rendered as ReturnType<typeof renderRay>).bodies, say);
    say('submitted; when the shards have finished:');
    for (const c of rendered.after) say(`  ${c}`);
    return 0;
  }
  const code = await runCommands(rendered.submit, job, say);
  if (code !== 0) {
    say(`${rendered.client} exited with ${code}; the rendered files are in ${job.dir}`);
    return 1;
  }
  say('submitted; when the shards have finished:');
  for (const c of rendered.after) say(`  ${c}`);
  return 0;
}
