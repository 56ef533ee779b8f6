/**
 * The one error base: every error semclust raises on purpose carries the exit code the command
 * line returns for it and, optionally, a hint printed after the message (a command's usage).
 * The message itself already says what was wrong, the value received and the fix; the command
 * line (pipeline/cli.ts) maps these to its output and exit status in one place.
 */

/** 1: the work failed (a lock held, a shard missing, a server gave up); 2: the command line or a setting is wrong. */
export type ExitCode = 1 | 2;

export interface SemclustErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class SemclustError extends Error {
  readonly exitCode: ExitCode = 1;
  readonly hint?: string;

  constructor(message: string, options: SemclustErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** Wrong command, flag, setting or option: nothing ran, exit status 2. */
export class UsageError extends SemclustError {
  override readonly exitCode: ExitCode = 2;
}
