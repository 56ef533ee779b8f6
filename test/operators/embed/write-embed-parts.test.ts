import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDINGS, FILES, ROWS } from '../../../schemas/tables.js';
import { EmbedPartsWriter, type EmbedTotals } from '../../../operators/embed/write-embed-parts.js';
import { PartLedger } from '../../../operators/store/part-ledger.js';
import { DIMS, embeddedBatch, idOf } from '../../support/embedded-batch.js';
import { sql } from '../../support/sql.js';
import { tempDir } from '../../support/paths.js';

const ZERO: EmbedTotals = { parts: 0, rows: 0, embedded: 0, rejected: 0, rejectsBytes: 0 };

function setUp(partRows: number, partName?: (n: number) => string) {
  const outDir = tempDir('parts');
  const rejectsFile = path.join(outDir, FILES.rejects);
  fs.writeFileSync(rejectsFile, '');
  const ledger = new PartLedger<Record<string, unknown>>(path.join(outDir, 'progress', 'embed'));
  let cut = 0;
  const writer = new EmbedPartsWriter({ outDir, dims: DIMS, partRows, rejectsFile, ledger, start: ZERO, checkpoint: () => ({ cut: ++cut }), partName });
  return { outDir, rejectsFile, ledger, writer };
}

test('parts are cut every partRows input lines (rejects count), each recorded with running totals once both files are durable', async () => {
  const { outDir, rejectsFile, ledger, writer } = setUp(10);
  await writer.write(embeddedBatch(0, 6, { rejectLines: [100] }));
  await writer.write(embeddedBatch(6, 9, { repeats: [7], rejectLines: [101, 102] })); // 12 lines: part 0
  await writer.write(embeddedBatch(9, 15)); // 6 lines, then the rest at finish: part 1
  const totals = await writer.finish();
  assert.deepEqual(totals, { parts: 2, rows: 15, embedded: 14, rejected: 3, rejectsBytes: fs.statSync(rejectsFile).size });
  const rejects = fs.readFileSync(rejectsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rejects.map((r) => r.line), [100, 101, 102]);

  const entries = ledger.prefix();
  assert.equal(entries.length, 2);
  assert.deepEqual(entries[0], { part: 0, parts: 1, rows: 9, embedded: 8, rejected: 3, rejectsBytes: totals.rejectsBytes, cut: 1 });
  assert.deepEqual(entries[1], { part: 1, ...totals, cut: 2 });

  const rows = await sql<[string, string, bigint]>(`SELECT filename.split('/')[-1], id, line FROM read_parquet('${outDir}/${ROWS.path}/*.parquet', filename = true) ORDER BY line`);
  assert.deepEqual(rows.map((r) => [r[0], r[1]]), Array.from({ length: 15 }, (_, i) => [i < 9 ? 'part-00000.parquet' : 'part-00001.parquet', idOf(i)]));
  const emb = await sql<[string, number[]]>(`SELECT id, embedding FROM read_parquet('${outDir}/${EMBEDDINGS.path}/*.parquet') ORDER BY embedding[1]`);
  assert.deepEqual(emb, [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14].map((i) => [idOf(i), [i, 1]]));
});

test('a batch that ends a shard unit ends its part; part files take the given names', async () => {
  const { outDir, ledger, writer } = setUp(1000, (n) => `part-00007-${String(n).padStart(5, '0')}.parquet`);
  await writer.write(embeddedBatch(0, 3, { endsUnit: true }));
  await writer.write(embeddedBatch(3, 4));
  await writer.write(embeddedBatch(4, 6, { endsUnit: true }));
  await writer.finish();
  assert.deepEqual(fs.readdirSync(path.join(outDir, ROWS.path)).sort(), ['part-00007-00000.parquet', 'part-00007-00001.parquet']);
  assert.deepEqual(ledger.prefix().map((e) => e.rows), [3, 6]);
});

test('no rows at all still gives one empty part, so later stages find a table', async () => {
  const { outDir, ledger, writer } = setUp(10);
  assert.deepEqual(await writer.finish(), { ...ZERO, parts: 1 });
  assert.deepEqual(await sql(`SELECT count(*)::INT FROM read_parquet('${outDir}/${EMBEDDINGS.path}/*.parquet')`), [[0]]);
  assert.equal(ledger.prefix().length, 1);
});

test('abort leaves exactly the recorded parts: a part whose ledger entry could not be written loses its files', async () => {
  const { outDir, ledger, writer } = setUp(3);
  // Part 1's entry cannot be written (a non-empty folder stands where its file should go), as on a full disk.
  fs.mkdirSync(path.join(ledger.dir, 'part-00001.json', 'x'), { recursive: true });
  await writer.write(embeddedBatch(0, 3));
  await writer.write(embeddedBatch(3, 6));
  await writer.abort();
  for (const dir of [ROWS.path, EMBEDDINGS.path]) assert.deepEqual(fs.readdirSync(path.join(outDir, dir)), ['part-00000.parquet'], dir);
  fs.rmSync(path.join(ledger.dir, 'part-00001.json'), { recursive: true });
  assert.deepEqual(ledger.prefix().map((e) => e.part), [0]);
});
