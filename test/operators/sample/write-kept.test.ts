import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { writeKeptRecords } from '../../../operators/sample/write-kept.js';
import { writeDedupPart, writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

test('the kept records: each kept id once (its first row by file and line), in input order, as the original JSON lines', async () => {
  const out = tempDir('kept');
  // Rows over two parts and two files; id "x" appears three times, "d" is a dropped duplicate.
  writeRowsPart(out, 0, [
    { id: 'x', text: 'x first', source: 'a.jsonl', line: 3 },
    { id: 'd', text: 'dropped', source: 'a.jsonl', line: 4 },
    { id: 'y', text: 'y', source: 'b.jsonl', line: 1 },
  ]);
  writeRowsPart(out, 1, [
    { id: 'x', text: 'x again', source: 'b.jsonl', line: 2 },
    { id: 'z', text: 'z', source: 'a.jsonl', line: 9 },
    { id: 'x', text: 'x earlier', source: 'a.jsonl', line: 1 },
  ]);
  writeDedupPart(out, 0, ['x', 'd', 'y', 'z'], [true, false, true, true]);
  const file = path.join(out, 'kept.jsonl');
  assert.equal(await writeKeptRecords(out, file), 3);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, [
    { text: 'x earlier', line: 1 },
    { text: 'z', line: 9 },
    { text: 'y', line: 1 },
  ]);
});

test('a run without dedup/ is refused with the command to run', async () => {
  const out = tempDir('kept');
  writeRowsPart(out, 0, [{ id: 'a', text: 'a', line: 1 }]);
  await assert.rejects(writeKeptRecords(out, path.join(out, 'kept.jsonl')), { message: `${out} has no dedup/: run semclust dedup ${out} first` });
  assert.equal(fs.existsSync(path.join(out, 'kept.jsonl')), false);
});
