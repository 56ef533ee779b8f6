import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachTerm } from '../../../core/keywords/keyword-terms.js';
import { ENGLISH_STOP_WORDS } from '../../../core/keywords/stopwords-en.js';

test('the list has scikit-learn’s 318 lower-case words, its odd spellings included', () => {
  assert.equal(ENGLISH_STOP_WORDS.size, 318);
  for (const w of ENGLISH_STOP_WORDS) assert.match(w, /^[a-z]+$/);
  // Words particular to the Glasgow list that a hand-made list would lack.
  for (const w of ['amoungst', 'thru', 'hasnt', 'couldnt', 'whither', 'bill', 'fire', 'sincere']) assert.ok(ENGLISH_STOP_WORDS.has(w), w);
  for (const w of ['card', 'transfer', 'money', 'refund', 'exchange']) assert.ok(!ENGLISH_STOP_WORDS.has(w), w);
});

test('no keyword term contains a stop word, even when the text is only stop words in capitals', () => {
  const text = [...ENGLISH_STOP_WORDS].join(' ').toUpperCase() + ' Card transfer';
  const terms: string[] = [];
  forEachTerm(text, true, (t) => terms.push(t));
  assert.deepEqual(terms, ['card', 'transfer', 'card transfer']);
});
