import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRowIdHasher } from '../../../core/text/row-id.js';
import { readReference, type ReferenceBatch } from '../../../operators/dedup/read-reference.js';
import { writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

async function all(batches: AsyncIterable<ReferenceBatch>): Promise<ReferenceBatch> {
  const out: ReferenceBatch = { ids: [], texts: [], where: [] };
  for await (const b of batches) {
    out.ids.push(...b.ids);
    out.texts.push(...b.texts);
    out.where.push(...b.where);
  }
  return out;
}

test('readReference: files through the input readers (ids as embed gives them, rejects counted), then a run folder with its rows named under it', async () => {
  const dir = tempDir('read-reference');
  const jsonl = path.join(dir, 'eval.jsonl');
  fs.writeFileSync(jsonl, ['{"q": {"text": "first question"}}', 'not json', '{"q": {"text": "second question"}}'].join('\n') + '\n');
  const run = path.join(dir, 'run');
  writeRowsPart(run, 0, [{ id: 'id-x', text: 'from a run', line: 7 }]);
  fs.writeFileSync(path.join(run, 'manifest.json'), '{}');
  const rejects: string[] = [];
  const got = await all(readReference([jsonl, run], { extract: { keyPath: 'q.text' }, maxLineBytes: 1 << 20, onReject: (s, l, r) => rejects.push(`${s}:${l} ${r}`) }));
  const idOf = await createRowIdHasher();
  assert.deepEqual(got.texts, ['first question', 'second question', 'from a run']);
  assert.deepEqual(got.ids, [idOf('first question'), idOf('second question'), 'id-x']);
  assert.equal(got.where[0], `${jsonl}:1`);
  assert.equal(got.where[1], `${jsonl}:3`);
  assert.match(got.where[2], new RegExp(`^${run.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .+:7$`));
  assert.deepEqual(rejects, [`${jsonl}:2 invalid_json`]);
});

test('readReference: a CSV reference through DuckDB, quoted fields and all; a reference without rows stops naming it', async () => {
  const dir = tempDir('read-reference-csv');
  const csv = path.join(dir, 'eval.csv');
  fs.writeFileSync(csv, 'text,label\n"third, with a comma",1\nfourth,2\n');
  const got = await all(readReference([csv], { extract: { keyPath: 'text' }, maxLineBytes: 1 << 20 }));
  assert.deepEqual(got.texts, ['third, with a comma', 'fourth']);
  assert.deepEqual(got.where, [`${csv}:1`, `${csv}:2`]);
  await assert.rejects(all(readReference([csv], { extract: { keyPath: 'question' }, maxLineBytes: 1 << 20 })), /--against .*eval\.csv: no reference row read; the first line was rejected: .*missing_key/);
});
