/**
 * The text a fuzzy (MinHash) comparison sees, following the reference project's lexical dedup
 * (facebookresearch/matrix, data_pipeline/quality/dedup_minhash.py): lower-cased, punctuation
 * and symbols deleted (so "don't" → "dont", as Python's str.translate over string.punctuation
 * does, extended to Unicode's P and S classes), the articles a, an and the dropped, whitespace
 * collapsed to single spaces. Case and punctuation edits then leave a text unchanged, and a
 * dropped article costs nothing.
 */
const PUNCTUATION = /[\p{P}\p{S}]/gu;
const ARTICLES = new Set(['a', 'an', 'the']);

/** One string in, its normalised form out ("" when nothing but punctuation and articles). */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(PUNCTUATION, '')
    .split(/\s+/u)
    .filter((w) => w !== '' && !ARTICLES.has(w))
    .join(' ');
}
