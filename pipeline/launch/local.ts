/**
 * `launch local`: the N shards (or those --only names) as child processes of this one (at most --parallelism at once),
 * each with `--shard i/N`, their output streamed line by line behind `[shard i/N]`. Resolves to
 * the shards that failed, each with its exit code or signal and the command that reruns it.
 */
import { spawn } from 'node:child_process';
import { realArgv, shardArgv, shellWords, type LaunchJob } from './job.js';

export interface ShardFailure {
  shard: number;
  why: string;
  rerun: string;
  log?: string;
}

/** Writes whole lines behind a prefix; a partial line waits for its end (or the stream's). */
function prefixed(prefix: string, write: (s: string) => void): { push(chunk: Buffer): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      const text = pending + chunk.toString('utf8');
      const lines = text.split('\n');
      pending = lines.pop()!;
      if (lines.length) write(lines.map((l) => `${prefix} ${l}\n`).join(''));
    },
    end() {
      if (pending) write(`${prefix} ${pending}\n`);
      pending = '';
    },
  };
}

function runShard(job: LaunchJob, shard: number): Promise<ShardFailure | null> {
  // The real words go to the child only; what is printed names a credential by its variable.
  const [exe, ...args] = realArgv(job, shardArgv(job, shard));
  const rerun = shellWords(shardArgv(job, shard));
  const prefix = `[shard ${shard}/${job.shards}]`;
  const child = spawn(exe, args, { cwd: job.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = prefixed(prefix, (s) => process.stdout.write(s));
  const err = prefixed(prefix, (s) => process.stderr.write(s));
  child.stdout.on('data', out.push);
  child.stderr.on('data', err.push);
  return new Promise((resolve) => {
    child.on('error', (e) => resolve({ shard, why: `could not start ${exe}: ${e.message}`, rerun }));
    child.on('close', (code, signal) => {
      out.end();
      err.end();
      if (code === 0) resolve(null);
      else resolve({ shard, why: signal ? `killed by ${signal}` : `exit ${code}`, rerun });
    });
  });
}

export async function runLocal(job: LaunchJob, shards: readonly number[]): Promise<ShardFailure[]> {
  const width = Math.min(job.options.parallelism ?? job.shards, shards.length);
  const failures: ShardFailure[] = [];
  let next = 0;
  const lane = async () => {
    while (next < shards.length) {
      const failure = await runShard(job, shards[next++]);
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return failures.sort((a, b) => a.shard - b.shard);
}
