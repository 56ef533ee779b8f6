/**
 * A stand-in stage command for the scheduler plumbing tests (the brief's "tiny command"): a
 * Node script that writes the words it was called with and the scheduler's shard variables to
 * RECORDS/<pid>.json, so a test sees exactly what a rendered job runs, quoting included.
 * FAIL_SHARD=i makes `--shard i/N` exit 3; SLEEP_SHARD=i makes it sleep 60 s before it succeeds;
 * SHARD_MS=t makes every command take t ms. Each record has the times it started and ended (`at`, `end`),
 * for tests of the order in which a scheduler ran them.
 * `merge OUT` exits 0 when EXPECT_SHARDS shards have succeeded (standing in for semclust merge).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Recorded {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Date.now() when the command started and when it ended (absent when it failed or was killed). */
  at: number;
  end?: number;
}

const SOURCE = `
import fs from 'node:fs';
import path from 'node:path';
const records = process.env.RECORDS ?? path.join(path.dirname(new URL(import.meta.url).pathname), 'records');
const argv = process.argv.slice(2);
if (argv[0] === 'merge') {
  const done = fs.readdirSync(records).filter((f) => f.endsWith('.done')).length;
  console.log('recorder merge: ' + done + ' shards done');
  process.exit(done === Number(process.env.EXPECT_SHARDS) ? 0 : 1);
}
const at = argv.indexOf('--shard');
const shard = at >= 0 ? argv[at + 1].split('/')[0] : '';
const env = {};
for (const v of ['SLURM_ARRAY_TASK_ID', 'SLURM_ARRAY_TASK_COUNT', 'SLURM_ARRAY_JOB_ID', 'SLURM_JOB_ID', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX']) if (process.env[v] !== undefined) env[v] = process.env[v];
const record = { argv, env, cwd: process.cwd(), at: Date.now() };
fs.writeFileSync(path.join(records, process.pid + '.json'), JSON.stringify(record));
console.log('recorder: shard ' + shard + ' ran');
if (shard !== '' && shard === process.env.FAIL_SHARD) { console.error('recorder: shard ' + shard + ' fails'); process.exit(3); }
if (shard !== '' && shard === process.env.SLEEP_SHARD) await new Promise((r) => setTimeout(r, 60000));
if (process.env.SHARD_MS) await new Promise((r) => setTimeout(r, Number(process.env.SHARD_MS)));
if (shard !== '') fs.writeFileSync(path.join(records, 'shard-' + shard + '.done'), '');
fs.writeFileSync(path.join(records, process.pid + '.json'), JSON.stringify({ ...record, end: Date.now() }));
`;

/** Writes the recorder into dir; `semclust` is the --semclust value that calls it. */
export function writeRecorder(dir: string): { semclust: string; records: string } {
  const records = path.join(dir, 'records');
  fs.mkdirSync(records, { recursive: true });
  const script = path.join(dir, 'recorder.mjs');
  fs.writeFileSync(script, SOURCE);
  return { semclust: `${process.execPath} ${script}`, records };
}

export function readRecords(records: string): Recorded[] {
  return fs
    .readdirSync(records)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(records, f), 'utf8')) as Recorded);
}
