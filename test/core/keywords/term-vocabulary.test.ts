import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TermVocabulary } from '../../../core/keywords/term-vocabulary.js';
import { createRng } from '../../../core/util/random.js';

test('term vocabulary: exact below its cap; on a long Zipf stream it keeps the true most frequent terms in bounded memory', () => {
  const small = new TermVocabulary(10);
  for (const t of ['b', 'a', 'b', 'c', 'b', 'a']) small.add(t);
  assert.deepEqual([...small.finish()], [['b', 0], ['a', 1], ['c', 2]]);

  const rng = createRng(3);
  const cap = 50;
  const vocab = new TermVocabulary(cap);
  const exact = new Map<string, number>();
  let largest = 0;
  for (let i = 0; i < 200_000; i++) {
    // Zipf-like over 20,000 terms: rank ∝ 1 / u.
    const term = `t${Math.min(19_999, Math.floor(1 / (rng.next() + 1e-4)))}`;
    vocab.add(term);
    exact.set(term, (exact.get(term) ?? 0) + 1);
    largest = Math.max(largest, vocab.size);
  }
  assert.ok(largest <= 4 * cap + 1, `map held ${largest} terms`);
  const kept = vocab.finish();
  assert.equal(kept.size, cap);
  const top20 = [...exact].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([t]) => t);
  for (const t of top20) assert.ok(kept.has(t), `${t} kept`);
});
