/**
 * What every scheduler renderer receives: the stage command split into its words and OUTDIR,
 * the shard count and the job's options; and what a renderer returns (files under
 * OUTDIR/launch/<scheduler>/ and the client commands that submit them).
 */
import path from 'node:path';
import type { LaunchOptions, Scheduler } from '../../schemas/launch.js';
import { UsageError } from '../../core/util/semclust-error.js';

/** A launch that cannot be rendered as asked: exit 2 with the message (the fix in it). */
export class LaunchUsageError extends UsageError {}

export interface StageCommand {
  /** embed or infer (the reference's `inference` is accepted and written as infer). */
  command: 'embed' | 'infer';
  /** The words after the command (inputs, OUTDIR, flags), as the user wrote them. */
  args: string[];
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
export function shardArgv(job: LaunchJob, shard: number | string | null): string[] {
  const { command, args } = job.stage;
  const tail = shard === null ? ['--num-shards', String(job.shards)] : ['--shard', `${shard}/${job.shards}`];
  return [...job.semclust, command, ...args, ...tail];
}

/** The merge check that ends every launch (issue 9 item 2), as the job's semclust runs it. */
export function mergeArgv(job: LaunchJob): string[] {
  return [...job.semclust, 'merge', job.stage.outDir];
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
