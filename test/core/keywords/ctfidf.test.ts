import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctfidf } from '../../../core/keywords/ctfidf.js';
import { forEachTerm, keywordWords } from '../../../core/keywords/keyword-terms.js';
import { TermVocabulary } from '../../../core/keywords/term-vocabulary.js';
import { createRng } from '../../../core/util/random.js';

test('c-TF-IDF matches hand-worked values: tf within the cluster × log(1 + A / term frequency)', () => {
  // Cluster 0: t0 ×2, t1 ×1; cluster 1: t1 ×1, t2 ×3. Term totals 2, 2, 3; A = 7 / 2.
  const r = ctfidf(Uint32Array.of(2, 1, 0, 0, 1, 3), 2, 3, 3);
  const A = 3.5;
  assert.deepEqual(Array.from(r.terms[0]), [0, 1]);
  assert.deepEqual(Array.from(r.terms[1]), [2, 1]);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
  close(r.scores[0][0], (2 / 3) * Math.log(1 + A / 2));
  close(r.scores[0][1], (1 / 3) * Math.log(1 + A / 2));
  close(r.scores[1][0], (3 / 4) * Math.log(1 + A / 3));
  close(r.scores[1][1], (1 / 4) * Math.log(1 + A / 2));
});

test('c-TF-IDF top terms equal a brute-force ranking on random counts', () => {
  const rng = createRng(7);
  const k = 5, v = 40;
  const counts = Uint32Array.from({ length: k * v }, () => (rng.next() < 0.5 ? 0 : Math.floor(rng.next() * 20)));
  const r = ctfidf(counts, k, v, 6);
  let all = 0;
  const f = new Float64Array(v);
  for (let i = 0; i < counts.length; i++) {
    all += counts[i];
    f[i % v] += counts[i];
  }
  for (let c = 0; c < k; c++) {
    const row = counts.subarray(c * v, (c + 1) * v);
    const total = row.reduce((a, b) => a + b, 0);
    const scored = Array.from(row, (n, t) => ({ t, s: n === 0 ? -1 : (n / total) * Math.log(1 + all / k / f[t]) }))
      .filter((x) => x.s >= 0)
      .sort((a, b) => b.s - a.s || a.t - b.t)
      .slice(0, 6);
    assert.deepEqual(Array.from(r.terms[c]), scored.map((x) => x.t));
  }
});

test('keyword terms: lower-cased words of 2+ characters without English stop words, then adjacent bigrams', () => {
  assert.deepEqual(keywordWords("Where is my NEW card? I can't find it, a new card!"), ['new', 'card', 'new', 'card']);
  const terms: string[] = [];
  forEachTerm('Exchange rate for the euro today', true, (t) => terms.push(t));
  assert.deepEqual(terms, ['exchange', 'rate', 'exchange rate', 'euro', 'rate euro', 'today', 'euro today']);
  const unigrams: string[] = [];
  forEachTerm('Exchange rate', false, (t) => unigrams.push(t));
  assert.deepEqual(unigrams, ['exchange', 'rate']);
  assert.deepEqual(keywordWords('Überweisung nach Zürich 2024'), ['überweisung', 'nach', 'zürich', '2024']);
});

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
