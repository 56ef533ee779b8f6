/**
 * What every scheduler renderer receives: the stage command split into its words and OUTDIR,
 * the shard count and the job's options; and what a renderer returns (files under
 * OUTDIR/launch/<scheduler>/ and the client commands that submit them).
 */
import path from 'node:path';
import type { LaunchOptions, Scheduler, SHARDED_COMMANDS } from '../../schemas/launch.js';
import { UsageError } from '../../core/util/semclust-error.js';
import { shellQuote } from '../../core/util/shell-quote.js';
import type { ChainedStage } from './stage-chain.js';

/** A launch that cannot be rendered as asked: exit 2 with the message (the fix in it). */
export class LaunchUsageError extends UsageError {}

/**
 * A word of a shard's command: written as it is, or read at run time from an environment
 * variable, because its value carries credentials (a URL with user info or an api-key=)
 * that no rendered file or printed line may hold.
 */
export type Word = string | { env: string };

/** A credential the stage command carries: the variable the rendered jobs read it from, and its value (held in memory only). */
export interface Secret {
  env: string;
  value: string;
}

export interface StageCommand {
  /** embed, infer or dedup (the reference's `inference` is accepted and written as infer). */
  command: (typeof SHARDED_COMMANDS)[number];
  /** The words after the command (inputs, OUTDIR, flags), as the user wrote them, credentials replaced by their variables. */
  args: Word[];
  /** The credentials taken out of args (secrets.ts), each in the variable args names. */
  secrets: Secret[];
  /** OUTDIR as written in the stage command (relative to the folder launch runs in). */
  outDir: string;
}

export interface LaunchJob {
  scheduler: Scheduler;
  stage: StageCommand;
  shards: number;
  options: LaunchOptions;
  /** How a shard calls semclust: argv prefix (`node /…/bin/semclust.js`, or `semclust` in a container). */
  semclust: string[];
  /** Job name on the scheduler (semclust-embed). */
  name: string;
  /** Where the rendered files go: OUTDIR/launch/<scheduler>. */
  dir: string;
  /** The folder launch runs in: relative paths of the stage command are relative to it. */
  cwd: string;
  /** With --stages (slurm): each stage's command, in order; each waits for the one before. */
  chain?: ChainedStage[];
  /** Slurm's MaxArraySize (array task ids are below it): more shards are split into several arrays. */
  maxArraySize?: number;
}

export interface RenderedFile {
  path: string;
  text: string;
  executable?: boolean;
}

export interface Rendered {
  files: RenderedFile[];
  /** The scheduler's client (on PATH, launch submits), and the commands that submit, in order. */
  client: string;
  submit: string[][];
  /** What to run after the job finished, printed after submission. */
  after: string[];
}

/** The stage command of one shard: `--shard i/N` when i is known here, else `--num-shards N` (the index comes from the scheduler's environment). */
export function shardArgv(job: LaunchJob, shard: number | string | null): Word[] {
  const { command, args } = job.stage;
  const tail = shard === null ? ['--num-shards', String(job.shards)] : ['--shard', `${shard}/${job.shards}`];
  return [...job.semclust, command, ...args, ...tail];
}

/** The merge check that ends every launch (issue 9 item 2), as the job's semclust runs it. */
export function mergeArgv(job: LaunchJob): string[] {
  return [...job.semclust, 'merge', job.stage.outDir];
}

/** The words with each variable's value put back: the argv a shard really runs (launch local). */
export function realArgv(job: LaunchJob, words: readonly Word[]): string[] {
  return words.map((w) => (typeof w === 'string' ? w : job.stage.secrets.find((s) => s.env === w.env)!.value));
}

/** POSIX shell words; a credential is `"$NAME"`, expanded by the shell that runs the job. */
export function shellWords(words: readonly Word[]): string {
  return words.map((w) => (typeof w === 'string' ? shellQuote(w) : `"$${w.env}"`)).join(' ');
}

/** This process's environment plus each credential in its variable: for the clients launch runs (sbatch, kubectl). */
export function secretEnv(job: LaunchJob): NodeJS.ProcessEnv {
  return { ...process.env, ...Object.fromEntries(job.stage.secrets.map((s) => [s.env, s.value])) };
}

/**
 * The shell lines that stop a job whose credentials were not passed, before semclust starts:
 * `: "${NAME:?…}"`, so a shard fails with the variable's name rather than a connection error.
 */
export function requireEnvLines(job: LaunchJob): string[] {
  return job.stage.secrets.map((s) => `: "\${${s.env}:?set ${s.env} to the endpoint URL with its credentials (semclust launch passes it when it submits)}"`);
}

/**
 * Text for a comment line of a rendered script: control characters (a newline would end the
 * comment and run the rest as a command) become `?`. Comments name paths, never argument text.
 */
export function commentSafe(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, '?');
}

/** A rendered file's path relative to the folder launch ran in, as printed in commands. */
export function fileIn(job: LaunchJob, name: string): string {
  return path.join(job.dir, name);
}

/**
 * OUTDIR must be on the shared volume, or every pod would write its own folder in its own
 * container. A relative OUTDIR is relative to the volume's root (the container starts there),
 * so launch runs in the folder that is the volume locally and no path names where it is mounted.
 */
export function requireOnVolume(outDir: string, mountPath: string): void {
  const rel = path.posix.relative(mountPath, path.posix.resolve(mountPath, outDir));
  if (rel === '' || rel.startsWith('..')) {
    throw new LaunchUsageError(`OUTDIR ${outDir} is not inside --mount-path ${mountPath}: give a path relative to the volume's root (out/run) or one under ${mountPath}`);
  }
}
