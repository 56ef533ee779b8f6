/**
 * The terms a text contributes to keyword counts: its words as Intl.Segmenter finds them (word
 * granularity, `isWordLike`: the Unicode word boundaries of UAX #29, plus ICU's dictionaries
 * for scripts written without spaces, so Chinese, Japanese and Thai split into words instead
 * of one run of letters per sentence; texts without such letters take an equivalent pattern),
 * lower-cased, split at apostrophes, kept when two or more
 * characters long (scikit-learn's default token pattern `\b\w\w+\b`, which BERTopic's
 * CountVectorizer applies to jieba's words for Chinese too) and not a stop word; then every word
 * (unigram) and every pair of adjacent remaining words (bigram, "card arrival") —
 * CountVectorizer(ngram_range=(1, 2), stop_words=...).
 *
 * Input: a text and the stop words to drop (lower case); core/keywords/keyword-language.ts
 * picks them per cluster.
 */

// One segmenter for every call: building one costs ~0.1 ms, more than segmenting a short text.
// The root locale ("und") still uses ICU's dictionaries for CJK and Thai.
const WORDS = new Intl.Segmenter('und', { granularity: 'word' });
// The scripts written without spaces between words, which need the segmenter's dictionaries.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
// Elsewhere a word is a run of letters, combining marks (Devanagari's vowel signs), digits and
// "_": scikit-learn's \w, and what UAX #29 finds apart from "3.5" or "u.s" kept whole. Segmenting
// every text made keywords of 100k Banking77 rows take 9.0 s of CPU, this pattern 2.8 s
// (bench:report, load ~22), so only texts with letters of an unspaced script pay for it.
const SPACED_WORD = /[\p{L}\p{M}\p{N}_]+/gu;
// UAX #29 keeps "don't" whole; scikit-learn's pattern splits it into "don" + "t" (and the "t"
// is too short), which the stop-word lists expect.
const APOSTROPHE = /['’]/;

/** The words of `text` that can be keywords, in order. */
export function keywordWords(text: string, stopWords: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  const keep = (word: string) => {
    // Length in code points, so one astral ideograph (two UTF-16 units) stays one character.
    if (word.length >= 2 && (word.length > 3 || [...word].length >= 2) && !stopWords.has(word)) out.push(word);
  };
  if (!UNSPACED.test(lower)) {
    for (const m of lower.matchAll(SPACED_WORD)) keep(m[0]);
    return out;
  }
  for (const s of WORDS.segment(lower)) {
    if (!s.isWordLike) continue;
    if (APOSTROPHE.test(s.segment)) for (const part of s.segment.split(APOSTROPHE)) keep(part);
    else keep(s.segment);
  }
  return out;
}

/** Calls `visit` for each unigram and (when `bigrams`) each adjacent bigram of `text`. */
export function forEachTerm(text: string, bigrams: boolean, stopWords: ReadonlySet<string>, visit: (term: string) => void): void {
  const words = keywordWords(text, stopWords);
  for (let i = 0; i < words.length; i++) {
    visit(words[i]);
    if (bigrams && i > 0) visit(`${words[i - 1]} ${words[i]}`);
  }
}
