import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { checkUserIds, countUserIds } from '../../../operators/input/user-ids.js';
import { partName, writeParquet } from '../../../operators/parquet/parquet.js';
import { ROWS } from '../../../schemas/tables.js';
import { tempDir } from '../../support/paths.js';

/** A run folder whose rows/ holds `userIds` over two parts, in input order b.jsonl after a.jsonl. */
function rowsOf(userIds: (string | null)[]): string {
  const out = tempDir('user-ids');
  fs.mkdirSync(path.join(out, ROWS.path));
  const half = Math.ceil(userIds.length / 2);
  [userIds.slice(0, half), userIds.slice(half)].forEach((ids, p) => {
    const n = ids.length;
    const source = p === 0 ? 'a.jsonl' : 'b.jsonl';
    writeParquet(path.join(out, ROWS.path, partName(p)), ROWS, { id: ids.map((_, i) => `t${i % 2}`), text: new Array(n).fill('x'), record: new Array(n).fill('{}'), source: new Array(n).fill(source), line: Float64Array.from(ids, (_, i) => i + 1), user_id: ids }, n);
  });
  return out;
}

test('missing ids and repeats of an earlier id are counted; the first repeat is named by its two lines across parts', async () => {
  const out = rowsOf(['k1', null, 'k2', 'k3', 'k2', 'k1', null]);
  assert.deepEqual(await countUserIds(out), { missing: 2, duplicated: 2, example: { user_id: 'k1', first: 'a.jsonl:1', second: 'b.jsonl:2' } });
  const said: string[] = [];
  assert.deepEqual(await checkUserIds(out, 'uid', false, (l) => said.push(l)), { user_ids_missing: 2, user_ids_duplicated: 2 });
  assert.deepEqual(said, ['embed: 2 records have no id at uid (user_id null)', 'embed: 2 records repeat an earlier record\'s id at uid, e.g. "k1" first at a.jsonl:1 and again at b.jsonl:2']);
  await assert.rejects(checkUserIds(out, 'uid', true, () => {}), /2 records repeat .* "k1" first at a\.jsonl:1 and again at b\.jsonl:2; --id-unique refuses them/);
});

test('unique ids pass --id-unique with nothing said', async () => {
  const out = rowsOf(['a', 'b', 'c', 'd']);
  const said: string[] = [];
  assert.deepEqual(await checkUserIds(out, 'uid', true, (l) => said.push(l)), { user_ids_missing: 0, user_ids_duplicated: 0 });
  assert.deepEqual(said, []);
});
