import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachTerm, keywordWords } from '../../../core/keywords/keyword-terms.js';

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
