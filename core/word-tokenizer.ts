/**
 * Word-level tokenizer of the built-in static embedding model, in two equivalent forms:
 * a Hugging Face tokenizer.json (so the model folder loads in any HF tokenizer) and a
 * hand-written fast path that produces exactly the same ids, an order of magnitude faster
 * than the generic pipeline (one scan per text, one Map lookup per word).
 *
 * Rules, in order:
 * 1. Lowercase (String.prototype.toLowerCase, as the reference implementation).
 * 2. Contractions, as Replace normalizers: ’ → ', "won't" → "will not", "can't" → "can not",
 *    n't → " not", 're → " are", 'm → " am", 'll → " will", 've → " have", 'd → " would",
 *    and 's is removed: it may mean "is", "has" or a possessive, and all three carry
 *    almost no meaning (SIF would weight them near zero anyway). The suffix rules only fire
 *    after a letter and before a non-letter, so quoted words ('direct debit') are untouched.
 * 3. Whitespace split (JavaScript \s, as @huggingface/tokenizers; Rust's tokenizers differ
 *    only on U+0085 and U+FEFF), then punctuation split with runs of punctuation kept
 *    together ("Contiguous", the behaviour @huggingface/tokenizers implements).
 *    Punctuation is ASCII punctuation plus Unicode category P.
 * 4. WordLevel lookup: unknown words map to [UNK].
 */

export const PAD_TOKEN = '[PAD]';
export const UNK_TOKEN = '[UNK]';
export const PAD_ID = 0;
export const UNK_ID = 1;

/** One Replace normalizer: a literal string or a regular expression valid in both Oniguruma and JavaScript. */
export interface ReplaceRule {
  pattern: { String: string } | { Regex: string };
  content: string;
}

const AFTER_LETTER = '(?<=[a-z])';
const BEFORE_NON_LETTER = '(?![a-z])';
const WHOLE_WORD = (w: string) => `(?<![a-z])${w}${BEFORE_NON_LETTER}`;
const SUFFIX = (s: string) => `${AFTER_LETTER}${s}${BEFORE_NON_LETTER}`;

export const CONTRACTION_RULES: readonly ReplaceRule[] = [
  { pattern: { String: '\u2019' }, content: "'" },
  { pattern: { Regex: WHOLE_WORD("won't") }, content: 'will not' },
  { pattern: { Regex: WHOLE_WORD("can't") }, content: 'can not' },
  { pattern: { Regex: SUFFIX("n't") }, content: ' not' },
  { pattern: { Regex: SUFFIX("'re") }, content: ' are' },
  { pattern: { Regex: SUFFIX("'m") }, content: ' am' },
  { pattern: { Regex: SUFFIX("'ll") }, content: ' will' },
  { pattern: { Regex: SUFFIX("'ve") }, content: ' have' },
  { pattern: { Regex: SUFFIX("'d") }, content: ' would' },
  { pattern: { Regex: SUFFIX("'s") }, content: '' },
];

const COMPILED_RULES = CONTRACTION_RULES.map(({ pattern, content }) => ({
  re: new RegExp('String' in pattern ? pattern.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern.Regex, 'g'),
  content,
}));

/** Lowercases and expands contractions (tokenizer.json's normalizer). */
export function normalizeText(text: string): string {
  let s = text.toLowerCase();
  // Every rule needs an apostrophe: most texts skip the regular expressions entirely.
  if (s.indexOf("'") === -1 && s.indexOf('\u2019') === -1) return s;
  for (const { re, content } of COMPILED_RULES) s = s.replace(re, content);
  return s;
}

const WORD = 0;
const SPACE = 1;
const PUNCT = 2;
const UNSET = 255;

const PUNCT_CLASS = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PUNCT_RE = new RegExp(`^[${PUNCT_CLASS}]$`, 'u');
const SPACE_RE = /^\s$/;

/** Character class per UTF-16 unit, filled on first sight (regexes run once per distinct character). */
const UNIT_CLASS = new Uint8Array(0x10000).fill(UNSET);
const ASTRAL_CLASS = new Map<number, number>();

function classifyCodePoint(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (SPACE_RE.test(ch)) return SPACE;
  return PUNCT_RE.test(ch) ? PUNCT : WORD;
}

function unitClass(c: number): number {
  let k = UNIT_CLASS[c];
  if (k === UNSET) {
    // A lone surrogate is one code point that is neither space nor punctuation.
    k = c >= 0xd800 && c <= 0xdfff ? WORD : classifyCodePoint(c);
    UNIT_CLASS[c] = k;
  }
  return k;
}

function astralClass(cp: number): number {
  let k = ASTRAL_CLASS.get(cp);
  if (k === undefined) {
    k = classifyCodePoint(cp);
    ASTRAL_CLASS.set(cp, k);
  }
  return k;
}

/**
 * Calls emit(start, end) for each word of an already normalised text, in order; stops early
 * when emit returns false. Words are maximal runs of one class (word or punctuation).
 */
function scanWords(s: string, emit: (start: number, end: number) => boolean): void {
  const len = s.length;
  let start = -1;
  let runClass = SPACE;
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    let k: number;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        k = astralClass(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        width = 2;
      } else {
        k = WORD;
      }
    } else {
      k = unitClass(c);
    }
    if (k !== runClass) {
      if (start >= 0 && !emit(start, i)) return;
      start = k === SPACE ? -1 : i;
      runClass = k;
    }
    i += width;
  }
  if (start >= 0) emit(start, len);
}

/** Normalises and pre-tokenises one text into its words (the allocating reference path). */
export function splitWords(text: string): string[] {
  const s = normalizeText(text);
  const words: string[] = [];
  scanWords(s, (a, b) => words.push(s.slice(a, b)) > 0);
  return words;
}

/** A padded batch of token ids, row-major [batch, seq]; padding is PAD_ID. */
export interface TokenizedBatch {
  ids: BigInt64Array;
  batch: number;
  seq: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class WordTokenizer {
  private readonly ids = new Map<string, number>();
  private scratch = new Int32Array(1 << 16);
  private lengths = new Int32Array(1024);

  /** vocab[id] is the token of that id; ids PAD_ID and UNK_ID must be PAD_TOKEN and UNK_TOKEN. */
  constructor(readonly vocab: readonly string[]) {
    if (vocab[PAD_ID] !== PAD_TOKEN || vocab[UNK_ID] !== UNK_TOKEN) {
      throw new Error(`vocabulary must start with ${PAD_TOKEN}, ${UNK_TOKEN}`);
    }
    // The batch is written as int32 pairs into the int64 buffer (BigInt per id is slow).
    if (!LITTLE_ENDIAN) throw new Error('WordTokenizer needs a little-endian platform');
    vocab.forEach((token, id) => this.ids.set(token, id));
  }

  /** Ids of one text, at most maxLength of them. */
  encode(text: string, maxLength = Infinity): Int32Array {
    const n = this.encodeInto(text, 0, maxLength);
    return this.scratch.slice(0, n);
  }

  /** Tokenizes a batch, padded to its longest text (at least one column), each text truncated to maxLength. */
  tokenize(texts: readonly string[], maxLength = Infinity): TokenizedBatch {
    const batch = texts.length;
    if (this.lengths.length < batch) this.lengths = new Int32Array(batch);
    let total = 0;
    let seq = 1;
    for (let i = 0; i < batch; i++) {
      const n = this.encodeInto(texts[i], total, maxLength);
      this.lengths[i] = n;
      total += n;
      if (n > seq) seq = n;
    }
    const ids = new BigInt64Array(batch * seq);
    const words = new Int32Array(ids.buffer);
    const scratch = this.scratch;
    let src = 0;
    for (let i = 0; i < batch; i++) {
      const n = this.lengths[i];
      let dst = 2 * i * seq;
      for (let t = 0; t < n; t++, dst += 2) words[dst] = scratch[src++];
    }
    return { ids, batch, seq };
  }

  /** Appends the ids of one text to the scratch buffer at offset; returns how many. */
  private encodeInto(text: string, offset: number, maxLength: number): number {
    const s = normalizeText(text);
    const room = offset + Math.min(s.length, maxLength);
    if (room > this.scratch.length) {
      const grown = new Int32Array(Math.max(room, this.scratch.length * 2));
      grown.set(this.scratch.subarray(0, offset));
      this.scratch = grown;
    }
    const scratch = this.scratch;
    const ids = this.ids;
    let n = 0;
    scanWords(s, (a, b) => {
      scratch[offset + n++] = ids.get(s.slice(a, b)) ?? UNK_ID;
      return n < maxLength;
    });
    return n;
  }
}

/** The Hugging Face tokenizer.json equivalent to WordTokenizer over this vocabulary. */
export function tokenizerJson(vocab: readonly string[]): object {
  // No prototype: a word such as "__proto__" must stay an ordinary key.
  const vocabObject: Record<string, number> = Object.create(null);
  vocab.forEach((token, id) => (vocabObject[token] = id));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'Lowercase' }, ...CONTRACTION_RULES.map((r) => ({ type: 'Replace', ...r }))],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Contiguous' }],
    },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: vocabObject, unk_token: UNK_TOKEN },
  };
}

/** tokenizer_config.json: names the special tokens (the JS reference reads [UNK] from here for WordLevel). */
export function tokenizerConfigJson(maxLength: number): object {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: UNK_TOKEN,
    pad_token: PAD_TOKEN,
    model_max_length: maxLength,
    do_lower_case: true,
  };
}
