import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charNgramVector } from '../../../core/embedding/char-ngram-vector.js';
import { createRng } from '../../../core/util/random.js';

const DIMS = 100;
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j], 0);
const v = (text: string) => charNgramVector(text, DIMS);

test('a unit vector whose nonzero entries share one magnitude; the same for the same text, case aside', () => {
  for (const text of ['6)', ') 3.', '§', 'Ünïcödé — 日本語のテキスト 😀', 'x'.repeat(5000)]) {
    const x = v(text);
    assert.ok(Math.abs(Math.hypot(...x) - 1) < 1e-6, text);
    assert.equal(new Set(Array.from(x, Math.abs).filter((a) => a > 0)).size, 1, text);
    assert.deepEqual(v(text), x);
    assert.deepEqual(v(text.toUpperCase()), x);
  }
  // Whitespace between words is not a feature: only the words are.
  assert.deepEqual(v(') 3.'), v(' )\t\t3.\n'));
});

test('"6)" and "7)" are near (7 of their 12 features shared: the digit read as 0), near-orthogonal to a text of letters', () => {
  // "6)" as written: 6, ), <6, 6), )>, <6), 6)>; as read: 0, ), <0, 0), )>, <0), 0)>. ")" and ")>"
  // are in both forms, so 12 distinct features, 7 of them in "7)" too (collisions in 100 buckets aside).
  assert.ok(Math.abs(dot(v('6)'), v('7)')) - 7 / 12) < 0.1, `${dot(v('6)'), v('7)'))}`);
  assert.ok(dot(v('12)'), v('13)')) > 0.5);
  // Numbered fragments against random letter texts: near each other, near-orthogonal to the rest.
  const rng = createRng(3);
  const word = () => Array.from({ length: 3 + rng.int(6) }, () => 'abcdefghijklmnopqrstuvwxyz'[rng.int(26)]).join('');
  const sentences = Array.from({ length: 200 }, () => Array.from({ length: 8 }, word).join(' '));
  const fragments = Array.from({ length: 200 }, (_, i) => (i % 2 ? `${i})` : `(${i}`));
  const mean = (pairs: [string, string][]) => pairs.reduce((s, [a, b]) => s + dot(v(a), v(b)), 0) / pairs.length;
  const same = mean(fragments.slice(0, 100).map((f, i) => [f, fragments[i + 100]]));
  const apart = mean(fragments.map((f, i) => [f, sentences[i]]));
  assert.ok(same > 0.3, `fragment–fragment ${same}`);
  assert.ok(Math.abs(apart) < 0.05, `fragment–sentence ${apart}`);
  // Texts of one alphabet share its letters (1-grams): 0.26 here, which is why the built-in model
  // keeps word vectors for every text that has a known word.
});

test('a text without characters gets the fixed vector 1/√dims; out is written in place; a wrong length is refused', () => {
  assert.deepEqual(v(''), new Float32Array(DIMS).fill(1 / Math.sqrt(DIMS)));
  assert.deepEqual(v(' \n\t'), v(''));
  const buf = new Float32Array(3 * DIMS);
  const row = buf.subarray(DIMS, 2 * DIMS);
  assert.equal(charNgramVector('6)', DIMS, row), row);
  assert.deepEqual(row, v('6)'));
  assert.ok(buf.subarray(0, DIMS).every((x) => x === 0) && buf.subarray(2 * DIMS).every((x) => x === 0));
  assert.throws(() => charNgramVector('6)', DIMS, new Float32Array(DIMS - 1)), /out holds 99 values for 100 dims/);
  // Astral characters are one code point each: two emoji differ, and a lone surrogate is a character.
  assert.ok(dot(v('😀'), v('😃')) < 0.9);
  assert.equal(v('\ud800').length, DIMS);
});
