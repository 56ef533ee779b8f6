/**
 * One writer per output folder: `OUTDIR/<scope>.lock` holds the owner's pid, host, command
 * and start time, created with O_EXCL so two processes cannot both take it. A lock whose
 * process is gone (same host, pid not alive) is stale and taken over, with a message.
 * The scope lets independent writers share a folder (each shard of a sharded stage takes
 * its own scope), while a whole-run command takes `run`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SemclustError } from '../../core/util/semclust-error.js';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  started_at: string;
}

export class RunLockError extends SemclustError {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    // Half-written by a process killed between create and write: no owner to wait for.
    return null;
  }
}

export class RunLock {
  private constructor(readonly file: string) {}

  /** Takes the lock or throws RunLockError naming the holder; `log` hears about stale locks taken over. */
  static acquire(outDir: string, scope: string, command: string, log: (m: string) => void): RunLock {
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${scope}.lock`);
    const me: LockOwner = { pid: process.pid, host: os.hostname(), command, started_at: new Date().toISOString() };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = fs.openSync(file, 'wx');
        fs.writeSync(fd, JSON.stringify(me) + '\n');
        fs.closeSync(fd);
        return new RunLock(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = readOwner(file);
      if (owner && owner.host !== me.host) {
        throw new RunLockError(`${outDir} is in use by \`semclust ${owner.command}\` (pid ${owner.pid} on ${owner.host}, since ${owner.started_at}); wait for it, or delete ${file} if that run is gone`);
      }
      if (owner && alive(owner.pid)) {
        throw new RunLockError(`${outDir} is in use by \`semclust ${owner.command}\` (pid ${owner.pid}, since ${owner.started_at}); wait for it to finish or stop it`);
      }
      log(`${file}: left by ${owner ? `pid ${owner.pid}, which is no longer running` : 'a process killed while taking it'}; taking it over`);
      fs.rmSync(file, { force: true });
    }
    throw new RunLockError(`${file}: another process took the lock at the same moment; try again`);
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}
