import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_HELP } from '../../pipeline/cli/help.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/paths.js';

test('a usage error exits 2 with its message, then its hint (the command usage) after a blank line', async () => {
  const r = await runCli(['infer']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `semclust infer: infer needs INPUT... OUTDIR (or OUTDIR of an earlier run)\n\n${COMMAND_HELP.infer}\n`);
  const bad = await runCli(['embed', 'in.jsonl', 'out', '--kmeans-num-cluster', '5']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^semclust embed: command line: unknown flag --kmeans-num-cluster; did you mean --kmeans-num-clusters\? \(see --help\)\n$/);
});

test('failed work exits 1 with its message alone (a folder that holds no run)', async () => {
  const dir = tempDir('exit');
  const input = path.join(dir, 'in.jsonl');
  fs.writeFileSync(input, '{"text":"hello"}\n');
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
  const r = await runCli(['embed', input, out]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^semclust embed: .*out is not empty \(notes\.txt\) and holds no semclust run \(no manifest\.json\); a run would replace what is there: choose a new or empty folder\n$/);
});
