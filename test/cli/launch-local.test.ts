/**
 * `semclust launch local`: the shards run as child processes of the launch, at most
 * --parallelism at once, their lines prefixed by shard; a failed shard is named with the
 * command that reruns it. The real CLI runs; a recorder stands in for the stage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readRecords, writeRecorder } from '../support/argv-recorder.js';
import { CLI, tempDir } from '../support/paths.js';
import { spawn } from 'node:child_process';

function launchCli(dir: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, 'launch', ...args], { cwd: dir, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('launch local --shards 4 runs shards 0-3 with --shard i/4, prefixes their output, ends with the merge check', async () => {
  const dir = tempDir('launch-local');
  const { semclust, records } = writeRecorder(dir);
  const r = await launchCli(dir, ['local', '--shards', '4', '--parallelism', '2', '--semclust', semclust, '--', 'embed', 'in.jsonl', 'out'], { EXPECT_SHARDS: '4' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readRecords(records).map((x) => x.argv.at(-1)).sort(), ['0/4', '1/4', '2/4', '3/4']);
  for (const i of [0, 1, 2, 3]) assert.match(r.stdout, new RegExp(`^\\[shard ${i}/4\\] recorder: shard ${i} ran$`, 'm'));
  assert.match(r.stdout, /^recorder merge: 4 shards done$/m, 'the merge check runs after the shards');
  assert.match(r.stderr, /local: 4 shards of semclust embed, 2 at a time/);
});

test('launch local: a failed shard is named with its exit code and the command that reruns it; --only reruns it alone', async () => {
  const dir = tempDir('launch-local-fail');
  const { semclust, records } = writeRecorder(dir);
  const args = ['local', '--shards', '3', '--semclust', semclust, '--', 'embed', 'in.jsonl', 'out'];
  const r = await launchCli(dir, args, { FAIL_SHARD: '1', EXPECT_SHARDS: '3' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^\[shard 1\/3\] recorder: shard 1 fails$/m);
  assert.match(r.stderr, /1 of 3 shards failed: 1\n {2}shard 1\/3: exit 3; rerun it: .*recorder\.mjs embed in\.jsonl out --shard 1\/3\n/);
  assert.match(r.stdout, /recorder merge: 2 shards done/);
  const again = await launchCli(dir, [...args.slice(0, 3), '--only', '1', ...args.slice(3)], { EXPECT_SHARDS: '3' });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readRecords(records).length, 4, 'only shard 1 ran again');
  assert.ok(fs.existsSync(path.join(records, 'shard-1.done')));
});
