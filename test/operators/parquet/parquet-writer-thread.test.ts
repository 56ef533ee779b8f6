import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDINGS } from '../../../schemas/tables.js';
import { partName } from '../../../operators/parquet/parquet.js';
import { ParquetWriterThread } from '../../../operators/parquet/parquet-writer-thread.js';
import type { WriteJob } from '../../../operators/parquet/parquet-writer-worker.js';
import { sql } from '../../support/sql.js';
import { tempDir } from '../../support/paths.js';

function embeddingsJob(dir: string, part: number, rows: number): { job: WriteJob; transfer: ArrayBuffer[] } {
  const values = Float32Array.from({ length: rows * 2 }, (_, i) => part * 1000 + i);
  const ids = Array.from({ length: rows }, (_, i) => `p${part}r${i}`);
  return { job: { file: path.join(dir, partName(part)), table: 'embeddings', data: { id: ids, embedding: { values, dims: 2 } }, length: rows }, transfer: [values.buffer] };
}

test('parts queued on the writer thread are all durable after close and read back in DuckDB', async () => {
  const dir = path.join(tempDir('pwt'), EMBEDDINGS.path);
  const writer = new ParquetWriterThread(2);
  const durable: Promise<void>[] = [];
  for (let p = 0; p < 6; p++) {
    const { job, transfer } = embeddingsJob(dir, p, 50 + p);
    durable.push((await writer.write(job, transfer)).durable);
  }
  await writer.close();
  await Promise.all(durable);
  const rows = await sql<[string, bigint, number]>(`SELECT filename.split('/')[-1], count(*), sum(list_sum(embedding::FLOAT[])) FROM read_parquet('${dir}/*.parquet', filename = true) GROUP BY ALL ORDER BY 1`);
  assert.deepEqual(rows.map((r) => [r[0], Number(r[1])]), [0, 1, 2, 3, 4, 5].map((p) => [partName(p), 50 + p]));
  rows.forEach(([, n, sum], p) => {
    const values = 2 * Number(n);
    assert.ok(Math.abs(sum - (values * p * 1000 + (values * (values - 1)) / 2)) < 1e-3, `part ${p}: the vectors written are the ones read`);
  });
});

test('no more than `depth` writes wait at once: the next write is queued only after the oldest is durable', async () => {
  const dir = tempDir('pwt');
  const writer = new ParquetWriterThread(2);
  try {
    const first = await writer.write(embeddingsJob(dir, 0, 20_000).job);
    let firstDone = false;
    void first.durable.then(() => (firstDone = true));
    await writer.write(embeddingsJob(dir, 1, 10).job);
    assert.equal(firstDone, false, 'two writes fit the queue without waiting');
    await writer.write(embeddingsJob(dir, 2, 10).job);
    assert.equal(firstDone, true, 'the third waited for the first');
  } finally {
    await writer.close();
  }
});

test('a failed write rejects its own durable promise and close; abort stops the thread without throwing', async () => {
  const dir = tempDir('pwt');
  const writer = new ParquetWriterThread(4);
  const bad = await writer.write({ file: path.join(dir, 'x.parquet'), table: 'nope' as WriteJob['table'], data: {}, length: 0 });
  await assert.rejects(bad.durable, { message: 'unknown table nope' });
  await assert.rejects(writer.close(), { message: 'unknown table nope' });

  const other = new ParquetWriterThread(2);
  const ok = await other.write(embeddingsJob(dir, 0, 5).job);
  await other.abort();
  await ok.durable;
  assert.ok(fs.existsSync(path.join(dir, partName(0))), 'a write queued before abort still finishes');
});
