import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAtPath, parseKeyPath } from '../../../core/text/key-path.js';

test('key paths address nested keys and array items', () => {
  const rec = { request: { messages: [{ content: 'hi' }, { content: 'there' }] }, a: { 'b-c': 1 } };
  assert.equal(getAtPath(rec, parseKeyPath('request.messages[1].content')), 'there');
  assert.equal(getAtPath(rec, parseKeyPath('a.b-c')), 1);
  assert.equal(getAtPath(rec, parseKeyPath('request.messages[2].content')), undefined);
  assert.equal(getAtPath(rec, parseKeyPath('request.messages.content')), undefined);
  assert.equal(getAtPath('str', parseKeyPath('x')), undefined);
  assert.throws(() => parseKeyPath(''), /invalid key path/);
  assert.throws(() => parseKeyPath('a..b'), /invalid key path/);
  assert.throws(() => parseKeyPath('a[x]'), /invalid key path/);
});
