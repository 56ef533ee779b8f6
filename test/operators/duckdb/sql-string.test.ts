import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../../../operators/duckdb/sql-string.js';

test('sqlString: DuckDB reads back exactly the text, quotes and injection attempts included', async () => {
  const texts = ["plain", "it's", "''", "x'); DROP TABLE t; --", "line\nbreak", "ünïcode ✓", ''];
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    for (const t of texts) {
      const [[back]] = (await conn.runAndReadAll(`SELECT ${sqlString(t)}`)).getRowsJS();
      assert.equal(back, t);
    }
  } finally {
    conn.closeSync();
    db.closeSync();
  }
});
