import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  PAD_TOKEN,
  UNK_ID,
  UNK_TOKEN,
  WordTokenizer,
  isPunctuation,
  splitWords,
  tokenizerConfigJson,
  tokenizerJson,
} from '../../../core/text/word-tokenizer.js';

const VOCAB = [
  PAD_TOKEN,
  UNK_TOKEN,
  ...['i', 'am', 'can', 'not', 'will', 'are', 'have', 'would', 'do', 'did', 'it', 'is', 'what', 'my', 'card'],
  ...['arrived', 'direct', 'debit', 'rock', 'n', 'roll', 'top', 'up', 'e', 'mail', 'café', 'naïve', 'istanbul'],
  ...['?', '!', '.', ',', "'", '-', '...', '?!', '$', '日本語のテキスト', 'x😀y', '😀', '__proto__', 'constructor'],
  ...['σίσυφος', 'ca', 'wo', 's', 'd', 'you', 'they', 'there', 'x', 'sn'],
];

const TEXTS = [
  'What can I do if my card still hasn\'t arrived?',
  "I'm sure I can't, you won't, they'll, we'd, it's, there's, you've, they're",
  'DON’T SHOUT: I’M FINE’S',
  "'direct debit' and 'd 'm 's 're at word starts",
  "rock'n'roll x'sn't can'tx wo n't won'tt",
  'a...b?!c!!! (x) [UNK] [PAD] {curly} "quoted" $100, 1,000.50 and 3rd',
  'top-up e-mail — en–dash « guillemets » ¿qué? ¡sí!',
  'Café NAÏVE İstanbul ΣΊΣΥΦΟΣ Straße',
  '日本語のテキスト、句読点。 x😀y 😀 \u{1F600}!',
  'tab\tnew\nline\r\nnbsp\u00a0nel\u0085bom\ufeffls\u2028ideo\u3000end',
  'lone \ud800 surrogate \udc00x and pair \ud83d\ude00',
  '__proto__ constructor toString hasOwnProperty',
  '',
  '    ',
  '!!!',
  'ALL CAPS CARD',
];

function reference(vocab: readonly string[] = VOCAB) {
  return new Tokenizer(tokenizerJson(vocab), tokenizerConfigJson(512));
}

test('the fast tokenizer gives exactly the ids of @huggingface/tokenizers loading the generated tokenizer.json', () => {
  const hf = reference();
  const fast = new WordTokenizer(VOCAB);
  for (const text of TEXTS) {
    const expected = hf.encode(text).ids;
    assert.deepEqual(Array.from(fast.encode(text)), expected, JSON.stringify(text));
    assert.deepEqual(splitWords(text), hf.tokenize(text), JSON.stringify(text));
  }
  // The cases the rules were written for, spelled out.
  assert.deepEqual(splitWords("I'm sure I can't, it's"), ['i', 'am', 'sure', 'i', 'can', 'not', ',', 'it']);
  assert.deepEqual(splitWords('Won’t'), ['will', 'not']);
  assert.deepEqual(splitWords("didn't you've they're i'd we'll"), ['did', 'not', 'you', 'have', 'they', 'are', 'i', 'would', 'we', 'will']);
  assert.deepEqual(splitWords("'direct debit'"), ["'", 'direct', 'debit', "'"]);
  assert.deepEqual(splitWords('top-up?!'), ['top', '-', 'up', '?!']);
});

test('random strings over tricky characters tokenize identically to the reference', () => {
  const alphabet = [..."abdmnstvelrAMNST'’ .,!?-\t\u00a0é日😀"];
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const texts = Array.from({ length: 1500 }, () =>
    Array.from({ length: 1 + Math.floor(next() * 24) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
  );
  // Every other distinct word is in the vocabulary, so lookups both hit and miss.
  const words = [...new Set(texts.flatMap((t) => splitWords(t)))].filter((_, i) => i % 2 === 0);
  const vocab = [PAD_TOKEN, UNK_TOKEN, ...words];
  const hf = reference(vocab);
  const fast = new WordTokenizer(vocab);
  let hits = 0;
  for (const text of texts) {
    const ids = Array.from(fast.encode(text));
    assert.deepEqual(ids, hf.encode(text).ids, JSON.stringify(text));
    hits += ids.filter((id) => id !== UNK_ID).length;
  }
  assert.ok(hits > 1000, `only ${hits} known words`);
});

test('a batch is padded to its longest text with [PAD] and each text truncated to maxLength', () => {
  const fast = new WordTokenizer(VOCAB);
  const texts = ['my card', 'what did i do ? i did it !', '', 'qqq zzz'];
  const { ids, batch, seq } = fast.tokenize(texts);
  assert.equal(batch, 4);
  assert.equal(seq, 9);
  for (let i = 0; i < batch; i++) {
    const own = Array.from(fast.encode(texts[i]));
    const row: number[] = Array.from(ids.subarray(i * seq, (i + 1) * seq), Number);
    assert.deepEqual(row, [...own, ...new Array(seq - own.length).fill(0)]);
  }
  const short = fast.tokenize(texts, 3);
  assert.equal(short.seq, 3);
  assert.deepEqual(Array.from(short.ids.subarray(3, 6), Number), Array.from(fast.encode(texts[1])).slice(0, 3));
  assert.deepEqual(Array.from(fast.encode('ALL CAPS CARD', 2)), [UNK_ID, UNK_ID]);
  // An empty batch or one of empty texts still has one (padding) column.
  assert.equal(fast.tokenize(['', ' ']).seq, 1);
  assert.deepEqual(Array.from(fast.tokenize(['', ' ']).ids), [0n, 0n]);
});

test('length buckets hold every text once, shortest first, each padded only to its own longest text', () => {
  const fast = new WordTokenizer(VOCAB);
  const texts = Array.from({ length: 23 }, (_, i) => 'my card '.repeat((i * 7) % 11) + (i % 2 ? 'what' : ''));
  const { batches, order } = fast.tokenizeBuckets(texts, 512, 5);
  assert.deepEqual(batches.map((b) => b.batch), [5, 5, 5, 5, 3]);
  assert.deepEqual([...order].sort((x, y) => x - y), texts.map((_, i) => i));
  let k = 0;
  let previous = 0;
  for (const { ids, batch, seq } of batches) {
    let longest = 1;
    for (let r = 0; r < batch; r++, k++) {
      const own = Array.from(fast.encode(texts[order[k]]));
      assert.ok(own.length >= previous, 'sorted by length');
      previous = own.length;
      longest = Math.max(longest, own.length);
      const row: number[] = Array.from(ids.subarray(r * seq, (r + 1) * seq), Number);
      assert.deepEqual(row, [...own, ...new Array(seq - own.length).fill(0)]);
    }
    assert.equal(seq, longest);
  }
});

test('a vocabulary must start with [PAD] and [UNK]', () => {
  assert.throws(() => new WordTokenizer(['a', 'b']), /\[PAD\]/);
});

test('wordless: the rows whose ids are all padding, [UNK] or punctuation runs, in a padded batch and in length buckets', () => {
  assert.deepEqual(['?', '...', '?!', '$', '«»', '¿', '😀', 'x😀y', 'card', '', '[UNK]'].map(isPunctuation), [true, true, true, true, true, true, false, false, false, false, false]);
  const fast = new WordTokenizer(VOCAB);
  // "6)" is [UNK] + [UNK] (neither is in VOCAB); "?!" and ". ," are known punctuation; "😀" is a known word.
  const texts = ['6)', 'what ?', '?!', '', '. , 12', 'my card', 'zzz qqq', '😀', 'card ?! card ?! card ?! card'];
  const want = [1, 0, 1, 1, 1, 0, 1, 0, 0];
  assert.deepEqual(Array.from(fast.wordless(fast.tokenize(texts))), want);
  const { batches, order } = fast.tokenizeBuckets(texts, 512, 4);
  const got = new Array<number>(texts.length);
  let k = 0;
  for (const b of batches) for (const flag of fast.wordless(b)) got[order[k++]] = flag;
  assert.deepEqual(got, want);
});
