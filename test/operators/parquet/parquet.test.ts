import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { float32ListsOf, readParquet, stringListsOf, writeParquet } from '../../../operators/parquet/parquet.js';
import { layout } from '../../../schemas/tables.js';
import { tempDir } from '../../support/paths.js';

const LISTS = layout({
  name: 'lists',
  path: 'lists.parquet',
  parts: false,
  columns: { id: 'int32', words: 'utf8_list', scores: 'float32_list' },
  doc: 'test table',
});

test('list<utf8> and list<float32> columns round-trip through Parquet and read in DuckDB as VARCHAR[] and FLOAT[]', async () => {
  const file = path.join(tempDir('lists'), LISTS.path);
  const words = [['card', 'card arrival'], [], ['ünïcode', '']];
  const scores = [Float32Array.of(0.5, 0.25), new Float32Array(0), Float32Array.of(1.5, -2)];
  writeParquet(file, LISTS, { id: Int32Array.of(0, 1, 2), words, scores }, 3);

  const t = readParquet(file);
  assert.deepEqual(stringListsOf(t, 'words'), words);
  assert.deepEqual(float32ListsOf(t, 'scores').map((a) => Array.from(a)), scores.map((a) => Array.from(a)));

  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(`SELECT typeof(words), typeof(scores), len(words), words[1], scores[2] FROM read_parquet('${file}') ORDER BY id`);
    const rows = r.getRowsJS();
    assert.deepEqual(rows.map((x) => x.slice(0, 3)), [['VARCHAR[]', 'FLOAT[]', 2n], ['VARCHAR[]', 'FLOAT[]', 0n], ['VARCHAR[]', 'FLOAT[]', 2n]]);
    assert.deepEqual(rows.map((x) => x[3]), ['card', null, 'ünïcode']);
    assert.deepEqual(rows.map((x) => x[4]), [0.25, null, -2]);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});
