import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRowIdHasher } from '../../../core/text/row-id.js';
import { IdSet } from '../../../core/util/id-set.js';

test('IdSet reports duplicates exactly, across growth', async () => {
  const idOf = await createRowIdHasher();
  const set = new IdSet(4);
  for (let i = 0; i < 20_000; i++) assert.equal(set.add(idOf(`t${i}`)), true);
  for (let i = 0; i < 20_000; i += 7) assert.equal(set.add(idOf(`t${i}`)), false);
  assert.equal(set.size, 20_000);
});
