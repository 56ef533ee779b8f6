/**
 * The run protocol (pipeline/run/run-stages.ts) with two small fake stages
 * (test/support/fake-stages.ts): skip, redo on a changed setting, resume after an
 * interrupted attempt, a signal, shard I/N, and the merge of shards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mergeShards, runStages, type RunRequest } from '../../../pipeline/run/run-stages.js';
import { RunState } from '../../../pipeline/run/manifest.js';
import { ShardsIncomplete } from '../../../pipeline/shard/shard-check.js';
import { readShardRecords } from '../../../pipeline/shard/shard-records.js';
import { SettingsError } from '../../../pipeline/settings/settings.js';
import { fakeStages, type FakeControl } from '../../support/fake-stages.js';
import { tempDir } from '../../support/paths.js';

function setup(units = 6) {
  const outDir = path.join(tempDir('run-stages'), 'out');
  const control: FakeControl = { units, ran: [] };
  const lines: string[] = [];
  const run = (stages: RunRequest['stages'], values: Record<string, unknown> = {}, extra: Partial<RunRequest> = {}) =>
    runStages({ outDir, stages, layers: [{ origin: 'test', values }], quiet: true, log: (m) => lines.push(m), ...extra }, fakeStages(control));
  const merge = () => mergeShards(outDir, (m) => lines.push(m), true, fakeStages(control));
  return { outDir, control, lines, run, merge };
}

const parts = (outDir: string) => fs.readdirSync(path.join(outDir, 'embeddings')).sort();

test('a second run with the same settings skips both stages and runs no unit', async () => {
  const { outDir, control, lines, run } = setup();
  const first = await run(['embed', 'fit'], { kmeans_num_clusters: 7 });
  assert.deepEqual(control.ran, [0, 1, 2, 3, 4, 5]);
  assert.equal(first.stats('fit').clusters, 7);
  const key = first.record('embed')!.key;
  lines.length = 0;
  await run(['embed', 'fit'], { kmeans_num_clusters: 7 });
  assert.deepEqual(control.ran, [0, 1, 2, 3, 4, 5], 'no unit ran again');
  assert.ok(lines.includes('embed: complete for these settings, skipped') && lines.includes('fit: complete for these settings, skipped'), lines.join('\n'));
  assert.equal(RunState.open(outDir).record('embed')!.key, key);
});

test('a changed setting redoes its stage and every stage after it, and says why before any work', async () => {
  const { outDir, control, lines, run } = setup(3);
  await run(['embed', 'fit'], { part_rows: 1000, kmeans_num_clusters: 7 });
  lines.length = 0;
  control.ran.length = 0;
  const state = await run(['embed', 'fit'], { part_rows: 500, kmeans_num_clusters: 7 });
  assert.equal(lines[0], 'part_rows 1000 → 500: embed and fit will be redone');
  assert.deepEqual(control.ran, [0, 1, 2]);
  assert.equal(fs.readFileSync(path.join(outDir, 'embeddings', 'part-0.txt'), 'utf8'), 'unit 0 part_rows 500\n');
  assert.equal(state.record('embed')!.settings.part_rows, 500);
  assert.equal(state.stats('fit').clusters, 7, 'fit kept its remembered setting');
});

test('an interrupted attempt is resumed after its durable units, and the lock is freed on failure', async () => {
  const { outDir, control, lines, run } = setup();
  control.failAt = 3;
  await assert.rejects(run(['embed']), /fake unit 3 failed/);
  assert.equal(RunState.open(outDir).record('embed')!.status, 'running');
  assert.ok(!fs.existsSync(path.join(outDir, 'run.lock')), 'the lock is freed on failure');
  control.failAt = undefined;
  control.ran.length = 0;
  lines.length = 0;
  const state = await run(['embed', 'fit'], { kmeans_num_clusters: 3 });
  assert.ok(lines.includes('embed: resuming the interrupted attempt'), lines.join('\n'));
  assert.deepEqual(control.ran, [3, 4, 5], 'only the units not recorded ran');
  assert.equal(state.stats('embed').resumed_parts, 3);
  assert.deepEqual(parts(outDir), ['part-0.txt', 'part-1.txt', 'part-2.txt', 'part-3.txt', 'part-4.txt', 'part-5.txt']);
});

test('an attempt interrupted before its first durable unit starts again', async () => {
  const { outDir, control, lines, run } = setup(2);
  control.failAt = 0;
  await assert.rejects(run(['embed']));
  control.failAt = undefined;
  const state = await run(['embed']);
  assert.ok(lines.includes('embed: the interrupted attempt left no finished part; starting again'), lines.join('\n'));
  assert.equal(state.stats('embed').resumed_parts, 0);
  assert.ok(fs.existsSync(path.join(outDir, 'embeddings', 'part-1.txt')));
});

test('SIGTERM says what was interrupted and how to continue, frees OUTDIR and dies by the signal; a rerun continues', async () => {
  const { outDir, control, lines, run } = setup();
  const marker = path.join(path.dirname(outDir), 'hanging');
  const here = path.dirname(new URL(import.meta.url).pathname);
  const url = (p: string) => pathToFileURL(path.resolve(here, p)).href;
  const script = `
    const { runStages } = await import(${JSON.stringify(url('../../../pipeline/run/run-stages.js'))});
    const { fakeStages } = await import(${JSON.stringify(url('../../support/fake-stages.js'))});
    await runStages({ outDir: ${JSON.stringify(outDir)}, stages: ['embed'], layers: [], quiet: true, log: (m) => console.error(m) },
      fakeStages({ units: 6, hangAt: 2, marker: ${JSON.stringify(marker)}, ran: [] }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  while (!fs.existsSync(marker)) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM');
  assert.match(stderr, /semclust: SIGTERM: embed interrupted with 2 parts durable; rerun the same command to continue after them/);
  assert.ok(!fs.existsSync(path.join(outDir, 'run.lock')), 'the lock was freed');
  await run(['embed']);
  assert.ok(lines.includes('embed: resuming the interrupted attempt'), lines.join('\n'));
  assert.deepEqual(control.ran, [2, 3, 4, 5]);
});

test('shard I/N runs only its units, records itself, never the manifest; a rerun keeps its finished units', async () => {
  const { outDir, control, lines, run } = setup(5);
  await run(['embed'], { part_rows: 100 }, { shard: { index: 1, count: 2 } });
  assert.deepEqual(control.ran, [1, 3]);
  assert.ok(!RunState.exists(outDir), 'a shard never writes manifest.json');
  const [record] = readShardRecords(outDir, 'embed');
  assert.equal(record.status, 'complete');
  assert.deepEqual(record.owned, [1, 3]);
  assert.equal(record.total, 5);
  assert.equal(record.settings.part_rows, 100);
  assert.equal(record.model, 'fake', 'the facts the shard returned are recorded');
  assert.equal(lines.at(-1), `embed shard 1/2: 2 of 5 units, 2 run; when every shard is done: semclust merge ${outDir}`);
  // Rerun without the flag: the settings come from the shard record.
  control.ran.length = 0;
  await run(['embed'], {}, { shard: { index: 1, count: 2 } });
  assert.deepEqual(control.ran, [], 'finished units are kept');
  assert.equal(readShardRecords(outDir, 'embed')[0].settings.part_rows, 100);
});

test('merge: a missing shard is named with the command that reruns it; once all are done the stage is recorded as one', async () => {
  const { outDir, run, merge } = setup(5);
  await run(['embed'], { part_rows: 100 }, { shard: { index: 0, count: 2 } });
  await assert.rejects(merge(), (e: Error) => {
    assert.ok(e instanceof ShardsIncomplete);
    assert.match(e.message, /the sharded embed stage is not complete: 1 of 2 shards is not done\n  shard 1 of 2 never ran \(no .*shard-1-of-2\.json\)/);
    assert.ok(e.message.endsWith(`\n  semclust embed ${outDir} --shard 1/2`), e.message);
    return true;
  });
  assert.ok(!RunState.exists(outDir));

  await run(['embed'], {}, { shard: { index: 1, count: 2 } });
  const [merged] = await merge();
  assert.deepEqual(merged, { merged: true, summary: 'embed: 2 shards merged: 2 shard records, 5 units' });
  const state = RunState.open(outDir);
  assert.equal(state.stats('embed').shards, 2);
  assert.equal(state.record('embed')!.settings.part_rows, 100);
  assert.equal(
    fs.readFileSync(path.join(outDir, 'embeddings', 'merged.txt'), 'utf8'),
    [0, 1, 2, 3, 4].map((u) => `unit ${u} part_rows 100\n`).join(''),
  );
  assert.deepEqual(await merge(), [{ merged: false, summary: 'embed: 2 shards, merged earlier' }]);
});

test('a merged stage has the key one process gives the same settings: a later command skips it', async () => {
  const { outDir, control, lines, run, merge } = setup(4);
  for (const index of [0, 1]) await run(['embed'], { part_rows: 100 }, { shard: { index, count: 2 } });
  await merge();
  control.ran.length = 0;
  const state = await run(['embed', 'fit'], { part_rows: 100, kmeans_num_clusters: 2 });
  assert.ok(lines.includes('embed: complete for these settings, skipped'), lines.join('\n'));
  assert.deepEqual(control.ran, []);
  assert.equal(state.stats('fit').fit_rows, 40);
  // A shard of the recorded stage now has nothing to do, and one with other settings is refused.
  await run(['embed'], { part_rows: 100 }, { shard: { index: 0, count: 2 } });
  assert.match(lines.at(-1)!, /embed: complete for these settings in .*manifest\.json \(merged\), skipped/);
  await assert.rejects(run(['embed'], { part_rows: 50 }, { shard: { index: 0, count: 2 } }), (e: Error) => e instanceof SettingsError && /shards cannot replace it/.test(e.message));
  assert.equal(fs.readFileSync(path.join(outDir, 'embeddings', 'part-0.txt'), 'utf8'), 'unit 0 part_rows 100\n');
});

test('a stage without a split is refused as a shard', async () => {
  const { run } = setup();
  await assert.rejects(run(['fit'], {}, { shard: { index: 0, count: 2 } }), /fit does not run as shards \(embed do\)/);
});
