/**
 * The check before a merge (pipeline/shard/shard-check.ts): every shard of the latest attempt
 * done, or each one that is not named with why and the quoted command that reruns it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { newShardRecord, type ShardRecord } from '../../../pipeline/shard/shard-records.js';
import { ShardsIncomplete, checkShards, rerunCommand } from '../../../pipeline/shard/shard-check.js';
import { tempDir } from '../../support/paths.js';

const outDir = () => path.join(tempDir('shard-check'), 'out');
const shard = (index: number, count: number, fields: Partial<ShardRecord> = {}): ShardRecord => ({
  ...newShardRecord('embed', { index, count }, { key: 'k1', settings: { input: ['../in a.jsonl'], part_rows: 100 }, total: 4, owned: [index] }),
  ...fields,
});

test('the check names every shard not done, why, and the quoted command that reruns it', () => {
  const out = outDir();
  const records = [shard(0, 3, { status: 'complete' }), shard(1, 3, { host: 'node7', pid: 42 }), shard(2, 3, { status: 'complete' })];
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'embed-shard-1-of-3.lock'), '');
  // Units 2 and 5 are shard 2's (unit mod 3): recorded complete but without them.
  assert.throws(
    () => checkShards(out, 'embed', records, 3, [{ id: 2, from: 2 }, { id: 5, from: 5 }], 'input units'),
    (e: Error) => {
      assert.ok(e instanceof ShardsIncomplete);
      const lines = e.message.split('\n');
      assert.equal(lines[0], `${out}: the sharded embed stage is not complete: 2 of 3 shards are not done`);
      assert.match(lines[1], /^ {2}shard 1 of 3 did not finish \(started .* on node7, pid 42; it is still running, or was killed\)$/);
      assert.equal(lines[2], '  shard 2 of 3 is missing input units 2, 5 (deleted or written by other settings)');
      assert.equal(lines[4], `  semclust embed '${path.resolve(out, '../in a.jsonl')}' ${out} --shard 1/3`);
      assert.equal(lines[5], `  semclust embed '${path.resolve(out, '../in a.jsonl')}' ${out} --shard 2/3`);
      return true;
    },
  );
  assert.doesNotThrow(() => checkShards(out, 'embed', records.map((r) => ({ ...r, status: 'complete' as const })), 3, [], 'input units'));
  assert.equal(rerunCommand(out, 'infer', { ...records[0], settings: {} }, 0, 3), `semclust infer ${out} --shard 0/3`);
});
