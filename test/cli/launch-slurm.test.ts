/**
 * `semclust launch slurm` on a real one-node Slurm cluster (.ci/slurm.sh, started before and
 * stopped after): the rendered array runs 4 tasks, each with its own --shard i/4; a failed or
 * cancelled task is named with its log and the command that reruns it, and `--only` reruns
 * just that task; `--stages` chains the stages (afterok) in order, throttled by --max-concurrent;
 * shards past MaxArraySize are split into arrays that still merge. A recorder stands in for the stage so these tests see the scheduler plumbing
 * alone; test/shards-slurm.test.ts runs the real stages.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { launch } from '../../pipeline/launch/command.js';
import { maxArraySize, parseMaxArraySize } from '../../pipeline/launch/slurm-wait.js';
import { readRecords, writeRecorder } from '../support/argv-recorder.js';
import { tempDir } from '../support/paths.js';
import { slurmDown, slurmSkip, slurmUp } from '../support/slurm.js';

const run = promisify(execFile);

before(() => {
  if (!slurmSkip) slurmUp();
});
after(() => {
  if (!slurmSkip) slurmDown();
});

function setup(prefix: string) {
  const dir = tempDir(prefix);
  fs.writeFileSync(path.join(dir, 'in put.jsonl'), '{"text":"a"}\n');
  const recorder = writeRecorder(dir);
  const said: string[] = [];
  const job = (extra: string[] = [], stage = ['embed', 'in put.jsonl', 'out', '--text-key', 'body text']) =>
    launch(['slurm', '--shards', '4', '--semclust', recorder.semclust, ...extra, '--', ...stage], (m) => said.push(m), dir);
  return { dir, ...recorder, said, job };
}

/** Env for the tasks: sbatch passes the submitter's environment on to them. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(vars)) delete process.env[k];
  }
}

test('launch slurm --shards 4: four array tasks, task i runs the stage with --shard i/4, then the merge check passes', { skip: slurmSkip }, async () => {
  const s = setup('slurm-array');
  const code = await withEnv({ EXPECT_SHARDS: '4' }, () => s.job());
  assert.equal(code, 0, s.said.join('\n'));
  const records = readRecords(s.records).sort((a, b) => Number(a.env.SLURM_ARRAY_TASK_ID) - Number(b.env.SLURM_ARRAY_TASK_ID));
  assert.deepEqual(
    records.map((r) => [r.env.SLURM_ARRAY_TASK_ID, r.env.SLURM_ARRAY_TASK_COUNT, r.argv.slice(-2).join(' ')]),
    [0, 1, 2, 3].map((i) => [String(i), '4', `--shard ${i}/4`]),
  );
  for (const r of records) assert.deepEqual(r.argv.slice(0, 5), ['embed', 'in put.jsonl', 'out', '--text-key', 'body text']);
  assert.ok(s.said.some((m) => /^merge check: .* merge out$/.test(m)), s.said.join('\n'));
});

test('a failed task is named with its exit code, log and rerun command; --only 2 reruns that task alone and the merge check passes', { skip: slurmSkip }, async () => {
  const s = setup('slurm-fail');
  const failed = await withEnv({ FAIL_SHARD: '2', EXPECT_SHARDS: '4' }, () => s.job());
  assert.equal(failed, 1);
  const line = s.said.find((m) => m.startsWith('  shard 2/4:'));
  assert.ok(line, s.said.join('\n'));
  const m = /^ {2}shard 2\/4: exit 3 \(log (\S+)\); rerun it: sbatch --array=2 out\/launch\/slurm\/embed\.sbatch$/.exec(line);
  assert.ok(m, line);
  assert.match(fs.readFileSync(path.join(s.dir, m[1]), 'utf8'), /recorder: shard 2 fails/);
  assert.ok(s.said.includes('1 of 4 shards failed: 2'));
  assert.equal(readRecords(s.records).length, 4);

  s.said.length = 0;
  const rerun = await withEnv({ EXPECT_SHARDS: '4' }, () => s.job(['--only', '2']));
  assert.equal(rerun, 0, s.said.join('\n'));
  const again = readRecords(s.records).filter((r) => r.env.SLURM_ARRAY_TASK_ID === '2');
  assert.equal(again.length, 2, 'only task 2 ran again');
  assert.equal(readRecords(s.records).length, 5);
  assert.deepEqual(again.map((r) => r.argv.at(-1)), ['2/4', '2/4'], 'a rerun of one task is still shard 2 of 4');
});

test('scancel of one running task: launch reports it cancelled with the rerun command', { skip: slurmSkip }, async () => {
  const s = setup('slurm-cancel');
  const done = withEnv({ SLEEP_SHARD: '1', EXPECT_SHARDS: '4' }, () => s.job());
  // Wait (bounded) until task 1 runs, then cancel it.
  let target = '';
  for (let i = 0; i < 300 && !target; i++) {
    const { stdout } = await run('squeue', ['-h', '-r', '-o', '%i %K %T']);
    target = stdout.split('\n').find((l) => / 1 RUNNING$/.test(l.trim()))?.trim().split(' ')[0] ?? '';
    if (!target) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(target, 'task 1 started');
  await new Promise((r) => setTimeout(r, 500));
  await run('scancel', [target]);
  const code = await done;
  assert.equal(code, 1);
  assert.ok(
    s.said.some((m) => /^ {2}shard 1\/4: cancelled before it finished \(log \S+\); rerun it: sbatch --array=1 out\/launch\/slurm\/embed\.sbatch$/.test(m)),
    s.said.join('\n'),
  );
  assert.ok(s.said.includes('1 of 4 shards failed: 1'));
});

test('a job sbatch refuses (an unknown partition) fails with sbatch’s own reason', { skip: slurmSkip }, async () => {
  const s = setup('slurm-refused');
  await assert.rejects(s.job(['--partition', 'no-such-partition']), /sbatch refused out\/launch\/slurm\/embed\.sbatch: sbatch: error: .*invalid partition/i);
  assert.equal(readRecords(s.records).length, 0);
});

test('hostile arguments, a folder and OUTDIR with spaces, and a credentialed endpoint: real sbatch runs each task as the stage command, nothing else, and no credential is written or said', { skip: slurmSkip }, async () => {
  const base = tempDir('slurm-hostile');
  const dir = path.join(base, 'my "project" $x');
  fs.mkdirSync(dir);
  // The recorder beside it: --semclust is split at blanks.
  const recorder = writeRecorder(base);
  const endpoint = 'http://user:Pa55w0rdQ@127.0.0.1:8000/v1?api-key=SecretKey77';
  const stage = ['embed', 'in dir/a $(touch PWNED1).jsonl', 'out dir/run', '--text-key', "t\ntouch PWNED2'; touch PWNED3 #", '--score-key', '`touch PWNED4`;$$', '--embedding-endpoint', endpoint];
  const said: string[] = [];
  const code = await withEnv({ EXPECT_SHARDS: '2' }, () => launch(['slurm', '--shards', '2', '--semclust', recorder.semclust, '--', ...stage], (m) => said.push(m), dir));
  assert.equal(code, 0, said.join('\n'));
  const records = readRecords(recorder.records);
  assert.deepEqual(records.map((r) => r.argv).sort(), [0, 1].map((i) => [...stage, '--shard', `${i}/2`]));
  assert.ok(records.every((r) => fs.realpathSync(r.cwd) === fs.realpathSync(dir)), 'sbatch read the quoted --chdir');
  const written = (fs.readdirSync(base, { recursive: true }) as string[]).map((f) => path.join(base, f));
  assert.deepEqual(written.filter((f) => path.basename(f).startsWith('PWNED')), []);
  assert.equal(written.filter((f) => /out dir\/run\/launch\/slurm\/logs\/embed-\d+_[01]\.log$/.test(f)).length, 2, 'sbatch read the quoted --output');
  // Every file but the recorder's own records (which hold the argv it got, as a shard would).
  const text = written.filter((f) => fs.statSync(f).isFile() && !f.startsWith(recorder.records)).map((f) => fs.readFileSync(f, 'utf8')).join('\n') + said.join('\n');
  for (const secret of ['Pa55w0rdQ', 'SecretKey77']) assert.ok(!text.includes(secret), `${secret} was written or said`);
});

test('--stages embed,fit,infer,sample with --max-concurrent 1: embed and infer as arrays of one task at a time, fit and sample as one task, each stage after the one before', { skip: slurmSkip }, async () => {
  const s = setup('slurm-chain');
  const code = await withEnv({ SHARD_MS: '700' }, () =>
    s.job(['--stages', 'embed,fit,infer,sample', '--max-concurrent', '1', '--shards', '3'], ['embed', 'in put.jsonl', 'out', '--text-key', 'body text', '--kmeans-num-clusters', '3', '--sample-size', '2']),
  );
  assert.equal(code, 0, s.said.join('\n'));
  const records = readRecords(s.records).sort((a, b) => a.at - b.at);
  // Each stage with its own settings: fit's flag from fit on, sample's for sample alone, the inputs for embed alone.
  assert.deepEqual(
    records.map((r) => r.argv.join(' ')),
    [
      ...[0, 1, 2].map((i) => `embed in put.jsonl out --text-key body text --shard ${i}/3`),
      'fit out --text-key body text --kmeans-num-clusters 3',
      ...[0, 1, 2].map((i) => `infer out --text-key body text --kmeans-num-clusters 3 --shard ${i}/3`),
      'sample out --text-key body text --kmeans-num-clusters 3 --sample-size 2',
    ],
  );
  // The order they ran in: every command ended before the next began (the throttle keeps the tasks of an array apart too).
  for (let i = 1; i < records.length; i++) assert.ok(records[i - 1].end! <= records[i].at, `${records[i - 1].argv[0]} ended before ${records[i].argv[0]} began`);
  // fit and sample are single jobs (no array task), embed and infer array tasks of their own jobs.
  assert.deepEqual(records.map((r) => r.env.SLURM_ARRAY_TASK_ID ?? '-'), ['0', '1', '2', '-', '0', '1', '2', '-']);
  assert.equal(new Set(records.map((r) => r.env.SLURM_ARRAY_JOB_ID ?? r.env.SLURM_JOB_ID)).size, 4, 'four jobs');
  assert.ok(s.said.some((m) => /^slurm: submitted fit: job \d+ \(1 task, after \d+\)$/.test(m)), s.said.join('\n'));
  assert.ok(s.said.some((m) => /^slurm: embed \(job \d+\), fit \(job \d+\), infer \(job \d+\), sample \(job \d+\) succeeded, in that order$/.test(m)), s.said.join('\n'));
});

test('a chained run whose embed shard fails: Slurm cancels fit, infer and sample; launch names the shard and the stages that did not run', { skip: slurmSkip }, async () => {
  const s = setup('slurm-chain-fail');
  const code = await withEnv({ FAIL_SHARD: '1' }, () => s.job(['--stages', 'embed,fit,infer,sample', '--shards', '2'], ['embed', 'in put.jsonl', 'out']));
  assert.equal(code, 1);
  assert.deepEqual(readRecords(s.records).map((r) => r.argv[0]), ['embed', 'embed'], 'nothing after embed ran');
  assert.ok(s.said.some((m) => /^ {2}shard 1\/2: exit 3 \(log \S+\); rerun it: sbatch --array=1 out\/launch\/slurm\/embed\.sbatch$/.test(m)), s.said.join('\n'));
  assert.ok(s.said.some((m) => m.startsWith('fit, infer, sample did not run (Slurm cancelled them: they waited for embed)')), s.said.join('\n'));
});

test('5 shards past a MaxArraySize of 3: two arrays (tasks 0-2 and 0-1 from shard 3), every shard once, and the merge check passes; --account and an --sbatch-arg reach Slurm unchanged', { skip: slurmSkip }, async () => {
  const s = setup('slurm-split');
  const comment = `it's "quoted" $(touch PWNED) \`x\``;
  const code = await withEnv({ EXPECT_SHARDS: '5' }, () => s.job(['--shards', '5', '--max-array-size', '3', '--account', 'ml-team', '--sbatch-arg', `--comment=${comment}`]));
  assert.equal(code, 0, s.said.join('\n'));
  const records = readRecords(s.records);
  assert.deepEqual(records.map((r) => r.argv.at(-1)).sort(), ['0/5', '1/5', '2/5', '3/5', '4/5']);
  const jobs = [...new Set(records.map((r) => r.env.SLURM_ARRAY_JOB_ID))];
  assert.equal(jobs.length, 2, 'two arrays');
  const byJob = jobs.map((j) => records.filter((r) => r.env.SLURM_ARRAY_JOB_ID === j).map((r) => `${r.env.SLURM_ARRAY_TASK_ID}→${r.argv.at(-1)}`).sort());
  assert.deepEqual(byJob.sort((a, b) => b.length - a.length), [['0→0/5', '1→1/5', '2→2/5'], ['0→3/5', '1→4/5']]);
  assert.ok(s.said.some((m) => /^merge check: .* merge out$/.test(m)), s.said.join('\n'));
  const shown = (await run('scontrol', ['show', 'job', jobs[0]])).stdout;
  assert.match(shown, /\bAccount=ml-team\b/);
  assert.ok(shown.includes(`Comment=${comment}`), shown);
  assert.deepEqual(fs.readdirSync(s.dir).filter((f) => f.startsWith('PWNED')), []);
});

test('MaxArraySize is read from the cluster: scontrol show config says it, and launch splits at it', { skip: slurmSkip }, async () => {
  const config = (await run('scontrol', ['show', 'config'])).stdout;
  const size = parseMaxArraySize(config);
  assert.equal(size, 1001, 'the test cluster keeps Slurm’s default');
  assert.equal(maxArraySize(undefined), size);
  assert.equal(maxArraySize(3), 3, 'a smaller --max-array-size wins');
  assert.equal(maxArraySize(5000), size, 'a larger one cannot raise the cluster’s limit');
});
