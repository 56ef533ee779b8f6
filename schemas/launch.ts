/**
 * The options of `semclust launch SCHEDULER --shards N [options] -- STAGE COMMAND`: one zod shape
 * that parses the flags, converts sizes and durations once, and writes `semclust help launch`.
 * They describe the job, not the run, so they live beside the settings rather than among them
 * (a pipeline file never holds them and the manifest never records them).
 */
import { z } from 'zod';

export const SCHEDULERS = ['local', 'slurm', 'k8s', 'batch', 'ray'] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

/** The stage commands that take `--shard I/N` (issue 9 item 1; dedup: issue 21); fit stays on one node. */
export const SHARDED_COMMANDS = ['embed', 'infer', 'dedup'] as const;
/** The stages `launch slurm --stages` chains, in pipeline order (schemas/config.ts STAGES). */
export const CHAIN_STAGES = ['embed', 'fit', 'infer', 'dedup', 'sample'] as const;
export type ChainStage = (typeof CHAIN_STAGES)[number];

/**
 * sbatch options semclust writes itself (or that would break what it relies on: --parsable to
 * read job ids, the exported environment that carries credentials, one log per task), so
 * --sbatch-arg refuses them; where launch has its own flag the refusal names it.
 */
export const SBATCH_OWN: Record<string, string | null> = {
  'job-name': '--job-name', array: '--shards / --only / --max-concurrent', chdir: null, output: null, error: null, partition: '--partition',
  'cpus-per-task': '--cpus', mem: '--mem', gres: '--gpus', time: '--time', account: '--account', qos: '--qos', dependency: '--stages',
  'kill-on-invalid-dep': null, parsable: null, export: null, wrap: null,
};

/** One `--sbatch-arg`: a single long sbatch option `--key=value` (or `--flag`), not one semclust sets. */
const sbatchArg = z.string().transform((raw, ctx) => {
  const m = /^--([a-z][a-z0-9-]*)(?:=(.+))?$/s.exec(raw);
  if (!m || /[\r\n]/.test(raw)) {
    ctx.addIssue({ code: 'custom', message: `"${raw}" is not one sbatch option: write --key=value (e.g. --sbatch-arg=--constraint=a100), one per --sbatch-arg, on one line` });
    return z.NEVER;
  }
  if (m[1] in SBATCH_OWN) {
    const own = SBATCH_OWN[m[1]];
    ctx.addIssue({ code: 'custom', message: `--${m[1]} is set by semclust launch${own ? `; use launch's ${own}` : ''}` });
    return z.NEVER;
  }
  return { key: m[1], value: m[2] as string | undefined };
});

/** `16G`, `512M`, `2T`, `16GiB`, or a plain number of MiB (Slurm's convention) → MiB. */
export function parseMemoryMiB(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(raw.trim());
  if (!m) return undefined;
  const scale: Record<string, number> = { k: 1 / 1024, m: 1, '': 1, g: 1024, t: 1024 * 1024 };
  const mib = Math.ceil(Number(m[1]) * scale[m[2].toLowerCase()]);
  return mib > 0 ? mib : undefined;
}

/** `90m`, `2h`, `1h30m`, `45s`, Slurm's `H:MM:SS`, `D-HH:MM:SS`, or plain minutes (Slurm's convention) → seconds. */
export function parseDurationS(raw: string): number | undefined {
  const s = raw.trim();
  if (/^\d+$/.test(s)) return Number(s) * 60 || undefined;
  const units = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/i.exec(s);
  if (units && s !== '') return ((Number(units[1] ?? 0) * 24 + Number(units[2] ?? 0)) * 60 + Number(units[3] ?? 0)) * 60 + Number(units[4] ?? 0) || undefined;
  const clock = /^(?:(\d+)-)?(\d+):(\d\d)(?::(\d\d))?$/.exec(s);
  if (clock) {
    const [h, m, sec] = clock[4] === undefined ? [0, Number(clock[2]), Number(clock[3])] : [Number(clock[2]), Number(clock[3]), Number(clock[4])];
    return ((Number(clock[1] ?? 0) * 24 + h) * 60 + m) * 60 + sec || undefined;
  }
  return undefined;
}

const memory = z
  .string()
  .transform((raw, ctx) => parseMemoryMiB(raw) ?? (ctx.addIssue({ code: 'custom', message: `"${raw}" is not a size; write 16G, 512M or a number of MiB` }), z.NEVER));
const duration = z
  .string()
  .transform((raw, ctx) => parseDurationS(raw) ?? (ctx.addIssue({ code: 'custom', message: `"${raw}" is not a duration; write 90m, 2h, 1:30:00 or a number of minutes` }), z.NEVER));
const count = z.coerce.number().int().positive();

export const launchShape = {
  shards: count.describe('number of shards: shard i of N runs the stage command with --shard i/N (required)'),
  only: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'shard numbers separated by commas, e.g. 2 or 0,3')
    .transform((raw) => [...new Set(raw.split(',').map(Number))].sort((a, b) => a - b))
    .optional()
    .describe('run only these shards again, e.g. 2 or 0,3 (local, slurm): what a failed launch tells you to rerun'),
  parallelism: count.optional().describe('shards running at once (local, k8s; default all)'),
  cpus: count.optional().describe('CPUs per shard (slurm --cpus-per-task, k8s requests, batch VCPU, ray entrypoint_num_cpus)'),
  mem: memory.optional().describe('memory per shard: 16G, 512M (slurm --mem, k8s requests, batch MEMORY, ray entrypoint_memory)'),
  gpus: count.optional().describe('GPUs per shard (slurm --gres=gpu:N, k8s nvidia.com/gpu, batch GPU, ray entrypoint_num_gpus)'),
  time: duration.optional().describe('time limit per shard: 2h, 90m, 1:30:00 (slurm --time, k8s activeDeadlineSeconds, batch timeout)'),
  partition: z.string().min(1).optional().describe('slurm partition'),
  account: z.string().min(1).optional().describe('slurm account to charge (--account)'),
  qos: z.string().min(1).optional().describe('slurm quality of service (--qos)'),
  sbatch_arg: z
    .array(sbatchArg)
    .optional()
    .describe('slurm: one more sbatch option, --key=value (repeatable), e.g. --sbatch-arg=--constraint=a100; options launch sets itself are refused'),
  max_concurrent: count.optional().describe('slurm: array tasks running at once (the throttle in --array=0-63%N)'),
  max_array_size: count
    .optional()
    .describe("slurm: the cluster's MaxArraySize; more shards are split into several arrays (default: scontrol show config, else 1001)"),
  stages: z
    .string()
    .transform((raw, ctx) => {
      const names = raw.split(',').map((s) => s.trim());
      const bad = names.find((n) => !(CHAIN_STAGES as readonly string[]).includes(n));
      const ordered = names.every((n, i) => i === 0 || CHAIN_STAGES.indexOf(n as ChainStage) > CHAIN_STAGES.indexOf(names[i - 1] as ChainStage));
      if (bad !== undefined || !ordered) {
        ctx.addIssue({ code: 'custom', message: `${bad !== undefined ? `unknown stage "${bad}"` : 'stages out of order'}: list some of ${CHAIN_STAGES.join(',')} in that order` });
        return z.NEVER;
      }
      return names as ChainStage[];
    })
    .optional()
    .describe('slurm: submit these stages as jobs that wait for each other (afterok), e.g. embed,fit,infer,sample; embed and infer as arrays, the others as one task'),
  image: z.string().min(1).optional().describe('container image with semclust on PATH (k8s, batch; required there): the Containerfile builds one'),
  pvc: z.string().min(1).optional().describe('k8s PersistentVolumeClaim that holds OUTDIR (required for k8s)'),
  efs: z.string().min(1).optional().describe('batch: EFS file system id mounted at --mount-path (shared OUTDIR)'),
  mount_path: z.string().min(1).optional().describe('where the shared volume is mounted in the container; OUTDIR must lie under it (k8s, batch)'),
  namespace: z.string().min(1).optional().describe('k8s namespace'),
  backoff_limit_per_index: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('k8s: retries of each shard (backoffLimitPerIndex, Kubernetes 1.29+) instead of one backoffLimit the whole Job shares'),
  max_failed_indexes: z.coerce.number().int().nonnegative().optional().describe('k8s: end the Job once this many shards have failed for good (maxFailedIndexes; with --backoff-limit-per-index)'),
  secret: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a Kubernetes Secret name')
    .optional()
    .describe('k8s: an existing Secret whose keys become the pods\' environment (envFrom), e.g. HF_TOKEN, OPENAI_API_KEY and the SEMCLUST_* variables of credentialed URLs'),
  job_queue: z.string().min(1).optional().describe('AWS Batch job queue (required to submit)'),
  ray_address: z.string().min(1).optional().describe('Ray dashboard address (default $RAY_ADDRESS or http://127.0.0.1:8265)'),
  semclust: z.string().min(1).optional().describe('how a shard calls semclust (default: this node and CLI for local and slurm, "semclust" in containers and on Ray)'),
  job_name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'lower-case letters, digits and dashes (a Kubernetes name)')
    .max(63)
    .optional()
    .describe('job name (default semclust-<command>)'),
  no_submit: z.boolean().optional().describe('only render the files and print the command that submits them'),
};

export const launchOptionsSchema = z.object(launchShape).strict();
export type LaunchOptions = z.output<typeof launchOptionsSchema>;
export type LaunchKey = keyof typeof launchShape;
export const LAUNCH_KEYS = Object.keys(launchShape) as LaunchKey[];
/** Flags of launch that take no value. */
export const LAUNCH_BOOLEANS: readonly LaunchKey[] = ['no_submit'];
/** Flags of launch that may be given several times, each adding a value. */
export const LAUNCH_REPEATED: readonly LaunchKey[] = ['sbatch_arg'];
