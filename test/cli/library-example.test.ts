import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, tempDir } from '../support/paths.js';

test('the README library example runs against the package entry point', () => {
  const dir = tempDir('lib');
  const file = path.join(dir, 'chat.jsonl');
  const lines = ['hello there', 'my card is lost', 'hello there'].map((t) => JSON.stringify({ request: { messages: [{ content: t }] } }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const r = spawnSync(process.execPath, [path.join(REPO, 'examples/library.mjs'), file], { cwd: REPO, encoding: 'utf8', env: process.env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { rows: 3, vectors: 2, dims: 100 });
});
