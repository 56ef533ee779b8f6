/**
 * Word-level tokenizer of the built-in static embedding model, in two equivalent forms:
 * a Hugging Face tokenizer.json (so the model folder loads in any HF tokenizer) and a
 * hand-written fast path that produces exactly the same ids, an order of magnitude faster
 * than the generic pipeline (one scan per text, one hash-table probe per word).
 *
 * Rules, in order:
 * 1. Lowercase (String.prototype.toLowerCase, as @huggingface/tokenizers; Rust's tokenizers
 *    lowercase per character, so only a word-final capital sigma differs).
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

/**
 * A contraction rule: `literal` replaced by `content` anywhere, as a whole word, or as a
 * suffix (after a letter, before a non-letter). Lookarounds over [a-z] only, so the regex
 * means the same in Oniguruma (Rust tokenizers) and JavaScript.
 */
interface Contraction {
  literal: string;
  context: 'anywhere' | 'word' | 'suffix';
  content: string;
}

const CONTRACTIONS: readonly Contraction[] = [
  { literal: '\u2019', context: 'anywhere', content: "'" },
  { literal: "won't", context: 'word', content: 'will not' },
  { literal: "can't", context: 'word', content: 'can not' },
  { literal: "n't", context: 'suffix', content: ' not' },
  { literal: "'re", context: 'suffix', content: ' are' },
  { literal: "'m", context: 'suffix', content: ' am' },
  { literal: "'ll", context: 'suffix', content: ' will' },
  { literal: "'ve", context: 'suffix', content: ' have' },
  { literal: "'d", context: 'suffix', content: ' would' },
  { literal: "'s", context: 'suffix', content: '' },
];

function patternOf({ literal, context }: Contraction): ReplaceRule['pattern'] {
  if (context === 'anywhere') return { String: literal };
  const before = context === 'word' ? '(?<![a-z])' : '(?<=[a-z])';
  return { Regex: `${before}${literal}(?![a-z])` };
}

export const CONTRACTION_RULES: readonly ReplaceRule[] = CONTRACTIONS.map((c) => ({ pattern: patternOf(c), content: c.content }));

const COMPILED_RULES = CONTRACTIONS.map((c) => {
  const pattern = patternOf(c);
  return { literal: c.literal, re: 'Regex' in pattern ? new RegExp(pattern.Regex, 'g') : null, content: c.content };
});

/** Lowercases and expands contractions (tokenizer.json's normalizer). */
export function normalizeText(text: string): string {
  let s = text.toLowerCase();
  // A rule can only match where its literal occurs: most texts skip every regular expression.
  for (const { literal, re, content } of COMPILED_RULES) {
    if (s.indexOf(literal) === -1) continue;
    s = re ? s.replace(re, content) : s.replaceAll(literal, () => content);
  }
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

const APOSTROPHE = 0x27;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** ASCII uppercase to lowercase: the only change normalisation makes to a plain text. */
function fold(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/**
 * Writes the word boundaries of s as [start, end) pairs into bounds, and each word's
 * FNV-1a hash over its case-folded UTF-16 units into hashes (one pass for both); returns
 * how many words, at most limit. Words are maximal runs of one class (word or punctuation).
 * With plainOnly, returns -1 instead on a character that normalisation could change beyond
 * ASCII case (non-ASCII, apostrophe): such a text must be normalised first.
 */
function wordBounds(s: string, bounds: Int32Array, hashes: Int32Array, limit: number, plainOnly: boolean): number {
  const len = s.length;
  let n = 0;
  let start = -1;
  let runClass = SPACE;
  let h = 0;
  let i = 0;
  while (i < len) {
    const c = s.charCodeAt(i);
    let k: number;
    let width = 1;
    if (c < 0x80) {
      if (plainOnly && c === APOSTROPHE) return -1;
      k = UNIT_CLASS[c];
    } else if (plainOnly) {
      return -1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      k = astralClass(s.codePointAt(i) as number);
      width = 2;
    } else {
      k = unitClass(c);
    }
    if (k !== runClass) {
      if (start >= 0) {
        bounds[2 * n] = start;
        bounds[2 * n + 1] = i;
        hashes[n] = h;
        if (++n === limit) return n;
      }
      start = k === SPACE ? -1 : i;
      runClass = k;
      h = FNV_OFFSET;
    }
    h = Math.imul(h ^ fold(c), FNV_PRIME);
    if (width === 2) h = Math.imul(h ^ s.charCodeAt(i + 1), FNV_PRIME);
    i += width;
  }
  if (start >= 0) {
    bounds[2 * n] = start;
    bounds[2 * n + 1] = len;
    hashes[n] = h;
    n++;
  }
  return n;
}

/** The same hash as wordBounds computes, over a whole string. */
function hashOf(token: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ fold(token.charCodeAt(i)), FNV_PRIME);
  return h;
}

for (let c = 0; c < 0x80; c++) unitClass(c);

/** Whether a token is a run of punctuation (the pre-tokenizer's punctuation class, every code point). */
export function isPunctuation(token: string): boolean {
  if (token === '') return false;
  for (const ch of token) if (classifyCodePoint(ch.codePointAt(0) as number) !== PUNCT) return false;
  return true;
}

/** Normalises and pre-tokenises one text into its words (the allocating reference path). */
export function splitWords(text: string): string[] {
  const s = normalizeText(text);
  const bounds = new Int32Array(2 * s.length);
  const n = wordBounds(s, bounds, new Int32Array(s.length), Infinity, false);
  const words: string[] = [];
  for (let t = 0; t < n; t++) words.push(s.slice(bounds[2 * t], bounds[2 * t + 1]));
  return words;
}

/** A padded batch of token ids, row-major [batch, seq]; padding is PAD_ID. */
export interface TokenizedBatch {
  ids: BigInt64Array;
  batch: number;
  seq: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Fast path: words are looked up in an open-addressing hash table over UTF-16 units, hashed
 * and compared straight from the text, so a plain-ASCII text without apostrophes is
 * tokenized without allocating a single string.
 */
export class WordTokenizer {
  private readonly pool: Uint16Array;
  private readonly starts: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private scratch = new Int32Array(1 << 16);
  private bounds = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 11);
  private lengths = new Int32Array(1024);
  private offsets = new Int32Array(1024);
  /** 1 for the ids wordless() passes over: padding, [UNK] and punctuation runs; built on first use. */
  private noWord: Uint8Array | undefined;

  /** vocab[id] is the token of that id; ids PAD_ID and UNK_ID must be PAD_TOKEN and UNK_TOKEN. */
  constructor(readonly vocab: readonly string[]) {
    if (vocab[PAD_ID] !== PAD_TOKEN || vocab[UNK_ID] !== UNK_TOKEN) {
      throw new Error(`vocabulary must start with ${PAD_TOKEN}, ${UNK_TOKEN}`);
    }
    // The batch is written as int32 pairs into the int64 buffer (BigInt per id is slow).
    if (!LITTLE_ENDIAN) throw new Error('WordTokenizer needs a little-endian platform');
    this.starts = new Int32Array(vocab.length + 1);
    let units = 0;
    vocab.forEach((token, id) => {
      this.starts[id] = units;
      units += token.length;
    });
    this.starts[vocab.length] = units;
    this.pool = new Uint16Array(units);
    vocab.forEach((token, id) => {
      for (let k = 0; k < token.length; k++) this.pool[this.starts[id] + k] = token.charCodeAt(k);
    });
    let size = 1;
    while (size < 2 * vocab.length) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    // Vocabularies come from JSON objects or source keys, so tokens are unique.
    vocab.forEach((token, id) => {
      const h = hashOf(token);
      let slot = (h ^ (h >>> 15)) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = id;
    });
  }

  /**
   * Which rows of a batch hold no known word but punctuation (every id padding, [UNK] or a run
   * of punctuation): the texts a word table has nothing to say about (`6)`, `) 3.`, `§`).
   */
  wordless(t: TokenizedBatch): Uint8Array {
    const punctuationOrNone = (this.noWord ??= Uint8Array.from(this.vocab, (token, id) => (id === PAD_ID || id === UNK_ID || isPunctuation(token) ? 1 : 0)));
    const words = new Int32Array(t.ids.buffer, t.ids.byteOffset, 2 * t.ids.length);
    const out = new Uint8Array(t.batch);
    for (let r = 0; r < t.batch; r++) {
      let k = r * t.seq;
      const end = k + t.seq;
      while (k < end && punctuationOrNone[words[2 * k]] === 1) k++;
      out[r] = k === end ? 1 : 0;
    }
    return out;
  }

  /** Id of the word s[a, b) with hash h (from wordBounds), or UNK_ID. */
  private lookup(s: string, a: number, b: number, h: number): number {
    const len = b - a;
    const { pool, starts, slots, mask } = this;
    for (let slot = (h ^ (h >>> 15)) & mask; ; slot = (slot + 1) & mask) {
      const id = slots[slot];
      if (id === -1) return UNK_ID;
      const st = starts[id];
      if (starts[id + 1] - st !== len) continue;
      let k = 0;
      while (k < len && pool[st + k] === fold(s.charCodeAt(a + k))) k++;
      if (k === len) return id;
    }
  }

  /** Ids of one text, at most maxLength of them. */
  encode(text: string, maxLength = Infinity): Int32Array {
    if (!(maxLength >= 1)) throw new Error('maxLength must be at least 1');
    const n = this.encodeInto(text, 0, maxLength);
    return this.scratch.slice(0, n);
  }

  /** Tokenizes a batch, padded to its longest text (at least one column), each text truncated to maxLength. */
  tokenize(texts: readonly string[], maxLength = Infinity): TokenizedBatch {
    this.encodeAll(texts, maxLength);
    const order = new Int32Array(texts.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return this.pack(order, 0, order.length);
  }

  /**
   * Tokenizes texts into batches of at most bucketSize texts of similar length, shortest
   * first, each padded to its own longest text: padding a whole batch to its longest text
   * makes the model gather several times more rows than there are words (Banking77 in
   * batches of 512: 60 columns for 13 words on average). order[k] is the position in texts
   * of the k-th row over all batches.
   */
  tokenizeBuckets(
    texts: readonly string[],
    maxLength: number,
    bucketSize: number,
  ): { batches: TokenizedBatch[]; order: Int32Array } {
    this.encodeAll(texts, maxLength);
    const lengths = this.lengths;
    const order = Int32Array.from({ length: texts.length }, (_, i) => i).sort((x, y) => lengths[x] - lengths[y]);
    const batches: TokenizedBatch[] = [];
    for (let from = 0; from < order.length; from += bucketSize) {
      batches.push(this.pack(order, from, Math.min(from + bucketSize, order.length)));
    }
    return { batches, order };
  }

  /** Encodes every text into the scratch buffer, recording where each one starts and how long it is. */
  private encodeAll(texts: readonly string[], maxLength: number): void {
    if (!(maxLength >= 1)) throw new Error('maxLength must be at least 1');
    if (this.lengths.length < texts.length) {
      this.lengths = new Int32Array(texts.length);
      this.offsets = new Int32Array(texts.length);
    }
    let total = 0;
    for (let i = 0; i < texts.length; i++) {
      const n = this.encodeInto(texts[i], total, maxLength);
      this.offsets[i] = total;
      this.lengths[i] = n;
      total += n;
    }
  }

  /** The padded batch of the encoded texts order[from..to), in that order. */
  private pack(order: Int32Array, from: number, to: number): TokenizedBatch {
    const { scratch, offsets, lengths } = this;
    let seq = 1;
    for (let k = from; k < to; k++) if (lengths[order[k]] > seq) seq = lengths[order[k]];
    const batch = to - from;
    const ids = new BigInt64Array(batch * seq);
    const words = new Int32Array(ids.buffer);
    for (let k = from; k < to; k++) {
      const src = offsets[order[k]];
      const n = lengths[order[k]];
      const dst = 2 * (k - from) * seq;
      for (let t = 0; t < n; t++) words[dst + 2 * t] = scratch[src + t];
    }
    return { ids, batch, seq };
  }

  /** Appends the ids of one text to the scratch buffer at offset; returns how many. */
  private encodeInto(text: string, offset: number, maxLength: number): number {
    let s = text;
    this.reserve(offset, Math.min(s.length, maxLength));
    let n = wordBounds(s, this.bounds, this.hashes, maxLength, true);
    if (n < 0) {
      s = normalizeText(text);
      this.reserve(offset, Math.min(s.length, maxLength));
      n = wordBounds(s, this.bounds, this.hashes, maxLength, false);
    }
    const { bounds, hashes, scratch } = this;
    for (let t = 0; t < n; t++) scratch[offset + t] = this.lookup(s, bounds[2 * t], bounds[2 * t + 1], hashes[t]);
    return n;
  }

  /** Makes room for `words` more ids after offset (a text has at most one word per unit). */
  private reserve(offset: number, words: number): void {
    if (words > this.hashes.length) {
      this.hashes = new Int32Array(words);
      this.bounds = new Int32Array(2 * words);
    }
    if (offset + words > this.scratch.length) {
      const grown = new Int32Array(Math.max(offset + words, 2 * this.scratch.length));
      grown.set(this.scratch.subarray(0, offset));
      this.scratch = grown;
    }
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
