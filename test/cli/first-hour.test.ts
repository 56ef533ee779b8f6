/**
 * Issue 18 items 11–13, the real CLI as a new user meets it: a failed command leaves no
 * folder or manifest behind, a forgotten OUTDIR is named as such, and `help` knows the
 * reference's command names and refuses one it does not know.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, tempDir } from '../support/paths.js';

function cli(dir: string, args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
}

function folder(): string {
  const dir = tempDir('first-hour');
  fs.writeFileSync(path.join(dir, 'data.jsonl'), '{"text":"a card was declined"}\n{"text":"my card is lost"}\n');
  return dir;
}

test('a command refused for a bad setting or a missing input creates nothing (item 11)', () => {
  const dir = folder();
  const bad = cli(dir, ['fit', 'data.jsonl', 'x', '--cluster-alg', 'dbscan']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--cluster-alg: must be one of "kmeans", "hdbscan"/);
  const missing = cli(dir, ['embed', 'nope.jsonl', 'e1']);
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /input "nope\.jsonl" matches no file/);
  assert.deepEqual(fs.readdirSync(dir), ['data.jsonl']);
});

test('a forgotten OUTDIR is named as missing; a file as OUTDIR is named as a file, not a scandir error (item 12)', () => {
  const dir = folder();
  const one = cli(dir, ['embed', 'data.jsonl']);
  assert.equal(one.status, 2);
  assert.match(one.stderr, /^semclust embed: OUTDIR is missing: data\.jsonl is a file, so it is the input; write the folder for the run after it: semclust embed data\.jsonl OUTDIR$/m);
  fs.writeFileSync(path.join(dir, 'some-file.jsonl'), '{"text":"b"}\n');
  const file = cli(dir, ['embed', 'data.jsonl', 'some-file.jsonl']);
  assert.equal(file.status, 2);
  assert.match(file.stderr, /OUTDIR some-file\.jsonl is a file, not a folder/);
  assert.doesNotMatch(file.stderr, /ENOTDIR|scandir/);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['data.jsonl', 'some-file.jsonl']);
});

test('help takes the reference\'s command names, and an unknown topic is an unknown command with exit 2 (item 13)', () => {
  const dir = folder();
  const infer = cli(dir, ['help', 'infer']);
  const inference = cli(dir, ['help', 'inference']);
  assert.equal(inference.status, 0);
  assert.equal(inference.stdout, infer.stdout);
  assert.match(inference.stdout, /^semclust infer /);
  const nosuch = cli(dir, ['help', 'nosuch']);
  assert.equal(nosuch.status, 2);
  assert.equal(nosuch.stdout, '');
  assert.match(nosuch.stderr, /unknown command "nosuch"/);
  const typo = cli(dir, ['help', 'embd']);
  assert.match(typo.stderr, /unknown command "embd"; did you mean "embed"\?/);
});
