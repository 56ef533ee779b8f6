/**
 * Splits running prose into sentences and groups consecutive sentences into passages of a
 * few dozen words: the unit of text the demo corpus (scripts/sotu-corpus.ts) and the tests
 * cluster. A rule, not a model: a sentence ends at . ! or ? (and any closing quote or
 * bracket) followed by a space and a capital letter, digit or opening quote — unless the
 * word before the stop is a title or an initial ("Mr.", "Gen.", "U.S.", "J. Q. Adams").
 * Decimal points and "$1.5" never end a sentence because no space follows the stop.
 */

/** Words that end in a period but seldom end a sentence in these speeches. */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'messrs', 'dr', 'st', 'gen', 'col', 'capt', 'lt', 'maj', 'adm', 'sgt', 'gov', 'sen', 'rep', 'hon', 'rev',
  'jr', 'sr', 'no', 'nos', 'vs', 'viz', 'cf', 'vol', 'art', 'sec', 'ch', 'ft', 'mt', 'jan', 'feb', 'mar', 'apr', 'aug',
  'sept', 'sep', 'oct', 'nov', 'dec', 'co', 'inc', 'corp', 'bros', 'esq',
]);

/** Stage directions in transcripts ("(Applause.)", "—(laughter)—") are not the speaker's words. */
const STAGE_DIRECTION = /\s*—?\((?:applause|laughter|cheers|boos)[^)]*\)—?\s*/gi;

const BOUNDARY = /([.!?]+)(["'”’)\]]*)\s+(?=["'“‘(]?[A-Z0-9])/g;

function isAbbreviation(before: string): boolean {
  const word = /(\S+)$/.exec(before)?.[1] ?? '';
  const bare = word.replace(/^["'“‘(]+/, '');
  if (ABBREVIATIONS.has(bare.toLowerCase())) return true;
  // A single letter ("J." in "John Q. Adams") or dotted letters ("U.S", "D.C", "A.M").
  return /^[A-Za-z]$/.test(bare) || /^(?:[A-Za-z]\.)+[A-Za-z]$/.test(bare);
}

/** The sentences of `text`, trimmed, whitespace collapsed, stage directions removed. */
export function splitSentences(text: string): string[] {
  const clean = text.replace(STAGE_DIRECTION, (m) => (m.trim().startsWith('—') && m.trim().endsWith('—') ? '—' : ' ')).replace(/\s+/g, ' ').trim();
  const out: string[] = [];
  let start = 0;
  for (const m of clean.matchAll(BOUNDARY)) {
    const stopAt = m.index! + m[1].length + m[2].length;
    if (m[1] === '.' && m[2] === '' && isAbbreviation(clean.slice(start, m.index))) continue;
    const s = clean.slice(start, stopAt).trim();
    if (s) out.push(s);
    start = m.index! + m[0].length;
  }
  const tail = clean.slice(start).trim();
  if (tail) out.push(tail);
  return out;
}

export interface PassageOptions {
  /** Most sentences in one passage. */
  maxSentences: number;
  /** A passage grows while it stays within this many words; a longer single sentence stands alone. */
  maxWords: number;
  /** Shorter passages (a closing "Thank you.") are dropped. */
  minWords: number;
  /**
   * A sentence longer than this is cut after its semicolons first: the 19th-century addresses
   * hold enumerations of 200–600 words in one sentence (1.3% of passages were over 100 words).
   */
  splitWords: number;
}

export const PASSAGE_DEFAULTS: PassageOptions = { maxSentences: 3, maxWords: 60, minWords: 6, splitWords: 120 };

export const wordCount = (s: string): number => s.split(' ').filter(Boolean).length;

/** Consecutive sentences grouped greedily: add the next while both limits hold. */
export function groupPassages(sentences: readonly string[], options: PassageOptions = PASSAGE_DEFAULTS): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let words = 0;
  const flush = () => {
    if (current.length > 0 && words >= options.minWords) out.push(current.join(' '));
    current = [];
    words = 0;
  };
  for (const s of sentences.flatMap((x) => (wordCount(x) > options.splitWords ? x.split(/(?<=;) /) : [x]))) {
    const w = wordCount(s);
    if (current.length > 0 && (current.length >= options.maxSentences || words + w > options.maxWords)) flush();
    current.push(s);
    words += w;
  }
  flush();
  return out;
}
