import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { statInputs } from '../../../operators/input/input-identity.js';
import { STDIN } from '../../../operators/input/read-lines.js';
import { tempDir } from '../../support/paths.js';

test('inputs are identified by their path from OUTDIR, size and mtime; stdin has no identity', () => {
  const root = tempDir('ident');
  const data = path.join(root, 'data', 'in.jsonl');
  fs.mkdirSync(path.dirname(data));
  fs.writeFileSync(data, '{"text":"a"}\n{"text":"bb"}\n');
  const mtime = new Date('2025-03-04T05:06:07.250Z');
  fs.utimesSync(data, mtime, mtime);
  const out = path.join(root, 'runs', 'one');
  assert.deepEqual(statInputs([data, STDIN], out), [{ path: path.join('..', '..', 'data', 'in.jsonl'), size: 27, mtime_ms: mtime.getTime() }]);
});

test('the same file given relative to the working directory is the same identity', () => {
  const root = tempDir('ident');
  const data = path.join(root, 'in.jsonl');
  fs.writeFileSync(data, 'x\n');
  const relative = path.relative(process.cwd(), data);
  assert.deepEqual(statInputs([relative], root), statInputs([data], root));
  assert.equal(statInputs([data], root)[0].path, 'in.jsonl');
});
