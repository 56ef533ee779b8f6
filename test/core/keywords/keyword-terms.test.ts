import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachTerm, keywordWords } from '../../../core/keywords/keyword-terms.js';

const NONE: ReadonlySet<string> = new Set();
const STOP = new Set(['where', 'is', 'my', 'i', 'can', 'it', 'a', 'for', 'the', 'nach']);

test('keyword terms: lower-cased words of 2+ characters without stop words, then adjacent bigrams', () => {
  assert.deepEqual(keywordWords("Where is my NEW card? I can't find it, a new card!", STOP), ['new', 'card', 'find', 'new', 'card']);
  // Capitals do not hide a stop word.
  assert.deepEqual(keywordWords('WHERE IS MY CARD', STOP), ['card']);
  const terms: string[] = [];
  forEachTerm('Exchange rate for the euro today', true, STOP, (t) => terms.push(t));
  assert.deepEqual(terms, ['exchange', 'rate', 'exchange rate', 'euro', 'rate euro', 'today', 'euro today']);
  const unigrams: string[] = [];
  forEachTerm('Exchange rate', false, STOP, (t) => unigrams.push(t));
  assert.deepEqual(unigrams, ['exchange', 'rate']);
  assert.deepEqual(keywordWords('Überweisung nach Zürich 2024', STOP), ['überweisung', 'zürich', '2024']);
  // Apostrophes split as scikit-learn's pattern splits them: "don" stays, "t" is too short.
  assert.deepEqual(keywordWords("don’t won't", NONE), ['don', 'won']);
});

test('scripts written without spaces split into words, not one term per sentence', () => {
  // The old pattern [\p{L}\p{N}_]+ made each of these sentences a single "word".
  assert.deepEqual(keywordWords('我的信用卡被盗了，请帮我冻结账户。', NONE), ['我的', '信用卡', '冻结', '账户']);
  assert.deepEqual(keywordWords('クレジットカードを紛失しました。', NONE), ['クレジットカード', '紛失', 'しま', 'した']);
  assert.deepEqual(keywordWords('บัตรเครดิตของฉันหาย', NONE), ['บัตร', 'เครดิต', 'ของ', 'ฉัน', 'หาย']);
  // One astral ideograph (two UTF-16 units) is one character: too short, like any other.
  assert.deepEqual(keywordWords('𠮷 野家', NONE), ['野家']);
  // Spaced scripts keep their combining marks inside words; a text mixing scripts is segmented whole.
  assert.deepEqual(keywordWords('हिन्दी भाषा', NONE), ['हिन्दी', 'भाषा']);
  assert.deepEqual(keywordWords("My 信用卡 card doesn't work", NONE), ['my', '信用卡', 'card', 'doesn', 'work']);
  const terms: string[] = [];
  forEachTerm('信用卡冻结', true, new Set(['信用卡']), (t) => terms.push(t));
  assert.deepEqual(terms, ['冻结']);
});
