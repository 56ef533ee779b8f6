/**
 * Which shard this process is: `--shard I/N` (I 0-based), or the scheduler's array
 * variables when it is not given — Slurm (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT,
 * or with SLURM_ARRAY_TASK_MIN/MAX: index − min of max − min + 1), a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX) or an AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX), the last two
 * with `--num-shards N`. Pure: flags and an environment in, a shard or null (not sharded) out.
 */
import { UsageError } from '../../core/util/semclust-error.js';

export interface ShardSpec {
  index: number;
  count: number;
}

export class ShardSpecError extends UsageError {}

const WHOLE = /^\d+$/;

function whole(what: string, raw: string): number {
  if (!WHOLE.test(raw.trim())) throw new ShardSpecError(`${what} must be a whole number, got "${raw}"`);
  return Number(raw.trim());
}

function checked(index: number, count: number, source: string): ShardSpec {
  if (count < 1) throw new ShardSpecError(`${source}: the shard count must be at least 1, got ${count}`);
  if (index >= count) throw new ShardSpecError(`${source}: shard ${index} does not exist among ${count} (shards are numbered 0 to ${count - 1})`);
  return { index, count };
}

/** `I/N` as given to --shard. */
export function parseShard(raw: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  if (!m) throw new ShardSpecError(`--shard expects I/N (I counted from 0, e.g. --shard 2/4), got "${raw}"`);
  return checked(Number(m[1]), Number(m[2]), `--shard ${raw}`);
}

/**
 * The shard from `--shard` (wins), else from the environment. `numShards` is --num-shards.
 * A scheduler index without a count is an error naming the flag to add.
 */
export function resolveShard(flags: { shard?: string; numShards?: string }, env: Readonly<Record<string, string | undefined>>): ShardSpec | null {
  if (flags.shard !== undefined) {
    const s = parseShard(flags.shard);
    if (flags.numShards !== undefined && whole('--num-shards', flags.numShards) !== s.count) {
      throw new ShardSpecError(`--shard ${flags.shard} and --num-shards ${flags.numShards} disagree; give one of them`);
    }
    return s;
  }
  const numShards = flags.numShards === undefined ? undefined : whole('--num-shards', flags.numShards);
  const slurm = env.SLURM_ARRAY_TASK_ID;
  if (slurm !== undefined && slurm !== '') {
    const id = whole('SLURM_ARRAY_TASK_ID', slurm);
    const min = env.SLURM_ARRAY_TASK_MIN;
    const max = env.SLURM_ARRAY_TASK_MAX;
    const count = env.SLURM_ARRAY_TASK_COUNT;
    if (count !== undefined && count !== '' && (min === undefined || min === '')) return checked(id, whole('SLURM_ARRAY_TASK_COUNT', count), 'SLURM_ARRAY_TASK_ID');
    if (min !== undefined && min !== '' && max !== undefined && max !== '') {
      const lo = whole('SLURM_ARRAY_TASK_MIN', min);
      const hi = whole('SLURM_ARRAY_TASK_MAX', max);
      if (id < lo) throw new ShardSpecError(`SLURM_ARRAY_TASK_ID ${id} is below SLURM_ARRAY_TASK_MIN ${lo}`);
      return checked(id - lo, hi - lo + 1, 'SLURM_ARRAY_TASK_ID');
    }
    if (numShards !== undefined) return checked(id, numShards, 'SLURM_ARRAY_TASK_ID');
    throw new ShardSpecError('SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX: add --num-shards N (or --shard I/N)');
  }
  for (const [name, what] of [
    ['JOB_COMPLETION_INDEX', 'a Kubernetes Indexed Job'],
    ['AWS_BATCH_JOB_ARRAY_INDEX', 'an AWS Batch array job'],
  ] as const) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const id = whole(name, raw);
    if (numShards === undefined) throw new ShardSpecError(`${name} is set (${what}) but the shard count is not: add --num-shards N, N the job's ${name === 'JOB_COMPLETION_INDEX' ? 'completions' : 'array size'}`);
    return checked(id, numShards, name);
  }
  if (numShards !== undefined) throw new ShardSpecError('--num-shards is given but no shard index: add --shard I/N, or run under a Slurm, Kubernetes Indexed or AWS Batch array job');
  return null;
}
