/**
 * The terms a text contributes to keyword counts: lower-cased words of two or more letters
 * or digits (scikit-learn's default token pattern `\b\w\w+\b`, Unicode-aware), English stop
 * words removed, then every word (unigram) and every pair of adjacent remaining words
 * (bigram, "card arrival") — CountVectorizer(ngram_range=(1, 2), stop_words="english").
 */
import { ENGLISH_STOP_WORDS } from './stopwords-en.js';

const WORD = /[\p{L}\p{N}_][\p{L}\p{N}_]+/gu;

/** The words of `text` that can be keywords, in order. */
export function keywordWords(text: string, stopWords: ReadonlySet<string> = ENGLISH_STOP_WORDS): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD)) {
    // "don't" splits into "don" + "t" in scikit-learn; the apostrophe is not a word character here either.
    if (!stopWords.has(m[0])) out.push(m[0]);
  }
  return out;
}

/** Calls `visit` for each unigram and (when `bigrams`) each adjacent bigram of `text`. */
export function forEachTerm(text: string, bigrams: boolean, visit: (term: string) => void): void {
  const words = keywordWords(text);
  for (let i = 0; i < words.length; i++) {
    visit(words[i]);
    if (bigrams && i > 0) visit(`${words[i - 1]} ${words[i]}`);
  }
}
