import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeywordLanguages, scriptOf } from '../../../core/keywords/keyword-language.js';
import { keywordWords } from '../../../core/keywords/keyword-terms.js';

const LISTS = new Map<string, ReadonlySet<string>>([
  ['en', new Set(['the', 'my', 'is', 'and', 'not'])],
  ['de', new Set(['die', 'ist', 'und', 'nicht', 'mein', 'meine'])],
  ['zh', new Set(['我们', '怎么', '什么'])],
  ['ja', new Set(['これ', 'それ', 'ので', 'です'])],
  ['ru', new Set(['это', 'как'])],
]);
const NONE: ReadonlySet<string> = new Set();

function chosen(texts: readonly string[]): string[] {
  const languages = new KeywordLanguages(LISTS, 1);
  for (const t of texts) languages.add(0, keywordWords(t, NONE));
  return languages.choose(0);
}

test('the script of a word is that of most of its letters; digits alone have none', () => {
  assert.equal(scriptOf('kreditkarte'), 'Latin');
  assert.equal(scriptOf('信用卡'), 'Han');
  assert.equal(scriptOf('クレジット'), 'Kana');
  assert.equal(scriptOf('카드를'), 'Hangul');
  assert.equal(scriptOf('บัตร'), 'Thai');
  assert.equal(scriptOf('карта'), 'Cyrillic');
  assert.equal(scriptOf('ሰላም'), 'Other');
  assert.equal(scriptOf('2024'), null);
});

test('a cluster’s language: the script first, then the language whose stop words its texts use most', () => {
  assert.deepEqual(chosen(['Meine Karte ist nicht da', 'die Karte und die PIN']), ['de']);
  assert.deepEqual(chosen(['my card is not here', 'the card and the PIN']), ['en']);
  // Han with no kana is Chinese; with kana, Japanese, even where its words are in the Chinese list.
  assert.deepEqual(chosen(['我们的信用卡怎么冻结']), ['zh']);
  assert.deepEqual(chosen(['これは信用卡です', '我们の荷物ので']), ['ja']);
  // Two scripts, two languages: their words never collide, so both lists apply.
  assert.deepEqual(chosen(['это карта', 'my card is the card']), ['en', 'ru']);
  // No stop word in any Latin list: the first language given (English) wins the tie.
  assert.deepEqual(chosen(['Kreditkarte gesperrt']), ['en']);
  // A script no list covers gets no stop words; no letters, no language.
  assert.deepEqual(chosen(['ሰላም ዓለም']), []);
  assert.deepEqual(chosen(['2024 42']), []);
});

test('clusters are counted apart', () => {
  const languages = new KeywordLanguages(LISTS, 2);
  languages.add(0, keywordWords('die Karte ist nicht da', NONE));
  languages.add(1, keywordWords('the card is not here', NONE));
  assert.deepEqual([languages.choose(0), languages.choose(1)], [['de'], ['en']]);
});
