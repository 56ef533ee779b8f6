import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shingleHashes } from '../../../core/dedup/shingles.js';

test('word shingles: one hash per distinct n-gram, the same set whatever the word order for n = 1', () => {
  assert.equal(shingleHashes('to be or not to be', 'word', 1).length, 4);
  assert.equal(shingleHashes('to be or not to be', 'word', 2).length, 4); // to be, be or, or not, not to
  const a = [...shingleHashes('my card has not arrived', 'word', 1)].sort();
  const b = [...shingleHashes('card my has arrived not', 'word', 1)].sort();
  assert.deepEqual(a, b);
  assert.notDeepEqual([...shingleHashes('my card has', 'word', 2)].sort(), [...shingleHashes('card my has', 'word', 2)].sort());
});

test('word n-grams equal the hashes of the joined words, so "a b" as a 2-gram is "a b" as a 1-gram text', () => {
  const bigrams = shingleHashes('a b c', 'word', 2);
  assert.deepEqual([...bigrams], [shingleHashes('a b', 'word', 2)[0], shingleHashes('b c', 'word', 2)[0]]);
  assert.equal(shingleHashes('a b', 'word', 2)[0], shingleHashes('a b', 'char', 3)[0]);
});

test('character shingles: length − n + 1 windows, a short text is one shingle, "" none', () => {
  assert.equal(shingleHashes('abcdef', 'char', 3).length, 4);
  assert.equal(shingleHashes('aaaaaa', 'char', 3).length, 1);
  assert.equal(shingleHashes('ab', 'char', 5).length, 1);
  assert.equal(shingleHashes('', 'char', 5).length, 0);
  assert.equal(shingleHashes('', 'word', 1).length, 0);
  assert.throws(() => shingleHashes('x', 'word', 0), /positive integer/);
});

test('a transposition typo changes about n character shingles of a long text', () => {
  const a = new Set(shingleHashes('please help me change my card pin number today', 'char', 3));
  const b = new Set(shingleHashes('please help me cahnge my card pin number today', 'char', 3));
  const shared = [...a].filter((h) => b.has(h)).length;
  const jaccard = shared / (a.size + b.size - shared);
  assert.ok(jaccard > 0.8 && jaccard < 0.95, `${jaccard}`);
});
