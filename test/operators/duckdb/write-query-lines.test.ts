import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeQueryLines } from '../../../operators/duckdb/write-query-lines.js';
import { tempDir } from '../../support/paths.js';

async function withConnection<T>(f: (c: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return await f(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

test('every row of a query many chunks long becomes one line, in order', async () => {
  const file = path.join(tempDir('qlines'), 'out', 'sample.jsonl');
  const n = 10_000; // DuckDB streams 2,048 rows a chunk
  const written = await withConnection((c) => writeQueryLines(c, `SELECT to_json({id: i, text: 'row ' || i})::VARCHAR FROM range(${n}) t(i) ORDER BY i`, file));
  assert.equal(written, n);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a newline');
  assert.equal(lines.length, n);
  lines.forEach((l, i) => assert.deepEqual(JSON.parse(l), { id: i, text: `row ${i}` }));
});

test('an empty result writes an empty file; only the first column is written', async () => {
  const file = path.join(tempDir('qlines'), 'none.jsonl');
  assert.equal(await withConnection((c) => writeQueryLines(c, `SELECT 'x', 'y' FROM range(0)`, file)), 0);
  assert.equal(fs.readFileSync(file, 'utf8'), '');
  assert.equal(await withConnection((c) => writeQueryLines(c, `SELECT 'first', 'second'`, file)), 1);
  assert.equal(fs.readFileSync(file, 'utf8'), 'first\n');
});

test('a query that fails after some chunks leaves the previous file and no temp file', async () => {
  const dir = tempDir('qlines');
  const file = path.join(dir, 'sample.jsonl');
  fs.writeFileSync(file, 'previous\n');
  await assert.rejects(
    withConnection((c) => writeQueryLines(c, `SELECT CASE WHEN i < 9000 THEN i::VARCHAR ELSE error('row ' || i || ' is bad') END FROM range(10000) t(i)`, file)),
    /row 9000 is bad/,
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'previous\n');
  assert.deepEqual(fs.readdirSync(dir), ['sample.jsonl']);
});
