import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LABELS, SAMPLE } from '../../../schemas/tables.js';
import { WorkerClient } from '../../../operators/workers/worker-rpc.js';
import type { ParquetWriterMethods } from '../../../operators/parquet/parquet-writer-worker.js';
import { sql } from '../../support/sql.js';
import { REPO, tempDir } from '../../support/paths.js';

const WORKER = new URL(`file://${path.join(REPO, 'dist/operators/parquet/parquet-writer-worker.js')}`);

test('the writer worker writes any table by name, atomically, and refuses an unknown one', async () => {
  const dir = tempDir('pww');
  const w = new WorkerClient<ParquetWriterMethods>(WORKER, null);
  try {
    await w.ready;
    const labels = path.join(dir, 'labels.parquet');
    await w.call('write', { file: labels, table: 'labels', data: { id: ['a', 'b', 'c'], cluster: Int32Array.of(2, -1, 0), probability: Float32Array.of(1, 0, 0.5), reassigned: Uint8Array.of(0, 1, 0) }, length: 3 });
    const sample = path.join(dir, 'sample.parquet');
    await w.call('write', { file: sample, table: 'sample', data: { id: ['b'], cluster: Int32Array.of(-1), pick: Int32Array.of(0) }, length: 1 });
    await assert.rejects(w.call('write', { file: path.join(dir, 'x.parquet'), table: 'bogus' as 'labels', data: {}, length: 0 }), { message: 'unknown table bogus' });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['labels.parquet', 'sample.parquet']);
    assert.deepEqual(await sql(`SELECT ${Object.keys(LABELS.columns).join(', ')} FROM '${labels}'`), [['a', 2, 1, false], ['b', -1, 0, true], ['c', 0, 0.5, false]]);
    assert.deepEqual(await sql(`SELECT ${Object.keys(SAMPLE.columns).join(', ')} FROM '${sample}'`), [['b', -1, 0, null]]);
  } finally {
    await w.close();
  }
});
