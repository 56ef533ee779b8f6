/**
 * Sharded stages through `semclust launch`, end to end with the real stages on a 100k-row
 * generated corpus whose repeated texts fall in different input units: 4 shards through
 * `launch local` and through a real one-node Slurm cluster (4-task arrays for embed, then
 * infer) give merged outputs equal to a one-process run: rows, embeddings bitwise and in order,
 * labels, clusters, sample. On Slurm one embed task is cancelled mid-run with scancel and
 * rerun alone with the command launch printed: still equal, and no id embedded twice. The whole
 * run as one chained Slurm submission (--stages, arrays split past a MaxArraySize of 3,
 * throttled) is equal too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { launch } from '../../pipeline/launch/command.js';
import { queryRows, runCli } from '../support/cli.js';
import { sotuSample } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { assertSameRun } from '../support/same-run.js';
import { slurmDown, slurmSkip, slurmUp } from '../support/slurm.js';

const run = promisify(execFile);
const ROWS = 100_000;
const dir = tempDir('launch-shards');
{
  const texts = sotuSample(3000).map((p) => p.text);
  const lines: string[] = [];
  // Every 5th line after the first 3,000 repeats an earlier text: another unit, often another shard.
  for (let i = 0; i < ROWS; i++) lines.push(JSON.stringify({ text: i >= 3000 && i % 5 === 0 ? texts[(i * 7) % 3000] : `${texts[i % 3000]} (${i})`, n: i }));
  fs.writeFileSync(path.join(dir, 'in.jsonl'), lines.join('\n') + '\n');
}
/** Absolute, as rows.source records it: the same in every run. */
const INPUT = path.join(dir, 'in.jsonl');
const EMBED = ['--part-rows', '4000', '--threads', '1', '--quiet'];
/** 31.7 MB in 1 MiB units: 31 units, 7 or 8 per shard. */
const UNITS = ['--shard-unit-bytes', String(1 << 20)];
const INFER = ['--threads', '1', '--quiet'];
const FIT = ['--kmeans-num-clusters', '20', '--plot-projection', 'pca', '--threads', '1', '--quiet'];
const SAMPLE = ['--sample-size', '300', '--quiet'];
const ONE = path.join(dir, 'one');

async function ok(args: string[]): Promise<void> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `semclust ${args.join(' ')}\n${r.stderr}`);
}

function launcher() {
  const said: string[] = [];
  return { said, launch: (argv: string[]) => launch(argv, (m) => said.push(m), dir) };
}

test('one-process reference run of the 100k-row corpus', { timeout: 300_000 }, async () => {
  await ok(['embed', INPUT, ONE, ...EMBED]);
  await ok(['fit', ONE, ...FIT]);
  await ok(['infer', ONE, ...INFER]);
  await ok(['sample', ONE, ...SAMPLE]);
  const [r] = await queryRows(ONE, 'SELECT count(*) AS rows, count(DISTINCT id) AS ids FROM rows');
  assert.equal(Number(r.rows), ROWS);
  assert.ok(Number(r.rows) - Number(r.ids) > 10_000, `the corpus repeats texts: ${JSON.stringify(r)}`);
});

test('launch local --shards 4, embed then infer: the merged result equals one process', { timeout: 300_000 }, async () => {
  const l = launcher();
  const out = path.join(dir, 'local');
  assert.equal(await l.launch(['local', '--shards', '4', '--', 'embed', INPUT, out, ...EMBED, ...UNITS]), 0, l.said.join('\n'));
  await ok(['fit', out, ...FIT]);
  assert.equal(await l.launch(['local', '--shards', '4', '--', 'infer', out, ...INFER]), 0, l.said.join('\n'));
  await ok(['sample', out, ...SAMPLE]);
  await assertSameRun(out, ONE, ['embed', 'infer', 'sample']);
});

describe('on a one-node Slurm cluster', { skip: slurmSkip }, () => {
  before(() => slurmUp());
  after(() => slurmDown());

  test('launch slurm, 4-task arrays: embed with one task cancelled mid-run (scancel) and rerun alone, then infer: equal to one process, no id embedded twice', { timeout: 400_000 }, async () => {
    const l = launcher();
    const out = path.join(dir, 'slurm');
    const embedding = l.launch(['slurm', '--shards', '4', '--', 'embed', INPUT, out, ...EMBED, ...UNITS]);
    // Task 1 owns units 1, 5, 9, …: once its first is durable, stop it (scancel -s STOP) to see it is mid-run, then cancel it.
    const progress = path.join(out, 'progress', 'embed');
    const submitted = async () => {
      for (let i = 0; i < 1200; i++) {
        const line = l.said.find((m) => m.startsWith('slurm: submitted job '));
        if (line) return line.split(' ')[3];
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`launch did not submit:\n${l.said.join('\n')}`);
    };
    const jobId = await submitted();
    for (let i = 0; i < 24000 && !fs.existsSync(path.join(progress, 'unit-000001.json')); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(fs.existsSync(path.join(progress, 'unit-000001.json')), `task 1 finished no unit in 120 s:\n${l.said.join('\n')}`);
    await run('scancel', ['--full', '--signal=STOP', `${jobId}_1`]);
    const record = JSON.parse(fs.readFileSync(path.join(progress, 'shard-1-of-4.json'), 'utf8')) as { status: string; owned: number[] };
    assert.equal(record.status, 'running', 'task 1 was stopped before it finished');
    const finished = record.owned.filter((u) => fs.existsSync(path.join(progress, `unit-${String(u).padStart(6, '0')}.json`)));
    assert.ok(finished.length >= 1 && finished.length < record.owned.length, `mid-run: ${finished.length} of its ${record.owned.length} units done`);
    await run('scancel', [`${jobId}_1`]);
    assert.equal(await embedding, 1, l.said.join('\n'));
    const failed = l.said.find((m) => m.startsWith('  shard 1/4: '));
    const m = /^ {2}shard 1\/4: cancelled before it finished \(log \S+\); rerun it: (sbatch --array=1 \S+\/slurm\/launch\/slurm\/embed\.sbatch)$/.exec(failed ?? '');
    assert.ok(m, l.said.join('\n'));
    assert.ok(l.said.includes('1 of 4 shards failed: 1'));
    assert.equal((await runCli(['merge', out])).code, 1, 'the merge check fails while shard 1 is missing');

    // The printed rerun command, waiting for it: only task 1 runs again.
    const [sbatch, ...args] = m[1].split(' ');
    await run(sbatch, ['--wait', ...args], { cwd: dir });
    const merge = await runCli(['merge', out]);
    assert.equal(merge.code, 0, merge.stderr);
    await assertSameRun(out, ONE, ['embed']);

    await ok(['fit', out, ...FIT]);
    assert.equal(await l.launch(['slurm', '--shards', '4', '--', 'infer', out, ...INFER]), 0, l.said.join('\n'));
    await ok(['sample', out, ...SAMPLE]);
    await assertSameRun(out, ONE, ['infer', 'sample']);
    const [e] = await queryRows(out, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM embeddings');
    assert.equal(e.n, e.d, 'no id embedded twice');
  });

  test('launch slurm --stages embed,fit,infer,sample, 4 shards split into arrays of 3 and 1, 2 at a time: each stage takes its own flags, and the run equals one process', { timeout: 400_000 }, async () => {
    const l = launcher();
    const out = path.join(dir, 'slurm-chain');
    const flags = [...EMBED, ...UNITS, ...FIT, ...SAMPLE];
    const code = await l.launch(['slurm', '--shards', '4', '--max-array-size', '3', '--max-concurrent', '2', '--stages', 'embed,fit,infer,sample', '--', 'embed', INPUT, out, ...flags]);
    assert.equal(code, 0, l.said.join('\n'));
    assert.ok(l.said.some((m) => /^slurm: submitted embed: job \d+, \d+ \(4 tasks\)$/.test(m)), l.said.join('\n'));
    await assertSameRun(out, ONE, ['embed', 'infer', 'sample']);
  });
});
