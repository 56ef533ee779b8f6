/**
 * What shards record (pipeline/shard/shard-records.ts), on real files in a temp OUTDIR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  latestAttempt,
  newShardRecord,
  readShardRecords,
  readUnitRecord,
  recordedShardLayer,
  shardFile,
  unitFile,
  unitOfPart,
  unitPartName,
  writeShardRecord,
  type ShardRecord,
} from '../../../pipeline/shard/shard-records.js';
import { tempDir } from '../../support/paths.js';

const outDir = () => path.join(tempDir('shard-records'), 'out');
const shard = (index: number, count: number, fields: Partial<ShardRecord> = {}): ShardRecord => ({
  ...newShardRecord('embed', { index, count }, { key: 'k1', settings: { input: ['../in a.jsonl'], part_rows: 100 }, total: 4, owned: [index] }),
  ...fields,
});

test('part names of unit U sort in input order and give their unit back; a one-process part has none', () => {
  const names = [unitPartName(12)(3), unitPartName(2)(10), unitPartName(2)(9)];
  assert.deepEqual([...names].sort(), ['part-000002-00009.parquet', 'part-000002-00010.parquet', 'part-000012-00003.parquet']);
  assert.deepEqual(names.map(unitOfPart), [12, 2, 2]);
  assert.equal(unitOfPart('/x/embeddings/part-00007.parquet'), null);
});

test('shard records are read back; a damaged one counts as a shard that did not run', () => {
  const out = outDir();
  writeShardRecord(out, shard(0, 2, { status: 'complete' }));
  writeShardRecord(out, shard(1, 2));
  fs.writeFileSync(shardFile(out, 'embed', { index: 0, count: 3 }), '{"stage": "embed", "sha');
  const records = readShardRecords(out, 'embed');
  assert.deepEqual(records.map((r) => [r.shard, r.count, r.status]).sort(), [[0, 2, 'complete'], [1, 2, 'running']]);
  assert.equal(records[0].pid, process.pid);
  assert.deepEqual(readShardRecords(out, 'infer'), []);
  assert.equal(readUnitRecord(out, 0), null);
  fs.writeFileSync(unitFile(out, 0), JSON.stringify({ unit: 0, rows: 5 }));
  assert.equal(readUnitRecord(out, 0)!.rows, 5);
});

test('the latest attempt is the shard count and key of the record started last; older attempts do not count', () => {
  const older = [shard(0, 4, { started_at: '2026-01-01T00:00:00.000Z' }), shard(1, 4, { started_at: '2026-01-01T00:00:01.000Z' })];
  const newer = [shard(1, 2, { started_at: '2026-01-02T00:00:00.000Z', key: 'k2' }), shard(0, 2, { started_at: '2026-01-01T12:00:00.000Z', key: 'k2' })];
  const a = latestAttempt([...older, ...newer, shard(0, 2, { started_at: '2025-12-31T00:00:00.000Z', key: 'k1' })])!;
  assert.equal(a.count, 2);
  assert.equal(a.key, 'k2');
  assert.deepEqual(a.records.map((r) => r.shard).sort(), [0, 1]);
  assert.equal(latestAttempt([]), null);
});

test('a rerun plans on the settings the latest shard recorded, inputs made absolute again', () => {
  const out = outDir();
  assert.equal(recordedShardLayer(out, 'embed'), null);
  writeShardRecord(out, shard(0, 2, { started_at: '2026-01-01T00:00:00.000Z', settings: { input: ['../old.jsonl'] } }));
  writeShardRecord(out, shard(1, 2, { started_at: '2026-01-02T00:00:00.000Z', shard_unit_bytes: 4096 }));
  const layer = recordedShardLayer(out, 'embed')!;
  assert.deepEqual(layer.values, { input: [path.resolve(out, '../in a.jsonl')], part_rows: 100, shard_unit_bytes: 4096 });
  assert.ok(layer.origin.endsWith('shard-1-of-2.json'));
});
