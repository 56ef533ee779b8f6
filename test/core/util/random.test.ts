import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, sampleIndices, shuffleInPlace } from '../../../core/util/random.js';

test('the same seed gives the same stream, another seed a different one', () => {
  const a = createRng(7), b = createRng(7), c = createRng(8);
  const xs = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.next()));
  for (const x of xs) assert.ok(x >= 0 && x < 1);
});

test('int(n) is uniform enough over its range', () => {
  const rng = createRng(1);
  const counts = new Int32Array(10);
  for (let i = 0; i < 100_000; i++) counts[rng.int(10)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `count ${c}`);
});

test('sampleIndices returns k distinct sorted indices below n', () => {
  const idx = sampleIndices(1000, 100, createRng(3));
  assert.equal(idx.length, 100);
  assert.equal(new Set(idx).size, 100);
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1]);
  assert.ok(idx[idx.length - 1] < 1000);
  assert.deepEqual(Array.from(sampleIndices(5, 9, createRng(3))), [0, 1, 2, 3, 4]);
});

test('shuffleInPlace is a permutation', () => {
  const a = Int32Array.from({ length: 50 }, (_, i) => i);
  shuffleInPlace(a, createRng(5));
  assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual(Array.from(a), Array.from({ length: 50 }, (_, i) => i));
});
