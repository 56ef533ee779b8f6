import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRowIdHasher } from '../../../core/text/row-id.js';

test('row ids are xxh3-128 hex digests of the UTF-8 text', async () => {
  const idOf = await createRowIdHasher();
  // Reference digests from Python: xxhash.xxh3_128_hexdigest(t.encode('utf-8')) (python3-xxhash 3.2).
  assert.equal(idOf('I am still waiting on my card?'), 'fb02c784cd85bfd5ded8e0521e94c7d6');
  assert.equal(idOf('Café — naïve 日本語 🙂'), '03270f02470f38adad2ae56ad51cf4fb');
  assert.equal(idOf('x'), '5c7401c0ec22eeeeeaf06c6480b2cd11');
});
