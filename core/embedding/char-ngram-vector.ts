/**
 * A vector from a text's characters, for the texts a word model cannot embed (issue 22: the
 * built-in model's texts with no known word but punctuation, such as the Brown fragments `6)`
 * and `) 3.`, which the word table alone maps to one fixed vector or to the vector of `)`).
 *
 * Method: signed feature hashing (Weinberger et al. 2009, "Feature Hashing for Large Scale
 * Multitask Learning") of character n-grams, n = 1–3, of each whitespace-separated word of the
 * lowercased text between boundary marks (fastText's subwords, Bojanowski et al. 2017, with
 * shorter n: `6)` and `7)` share no 3-gram). Each word counts twice: as written and with every
 * decimal digit read as 0, so `6)` and `7)` share most of their features (cosine 7/12) while
 * identical texts share all. Each of the `dims` buckets keeps only the sign of its sum, and the
 * result is L2-normalised, so every nonzero entry has one magnitude, 1/√(nonzero entries): a
 * vector a mean of word vectors never is, which lets the stored embeddings alone say which rows
 * got one (pipeline/stages/sample-warnings.ts). A text with no characters, or whose every bucket
 * sums to zero, gets the fixed unit vector of entries 1/√dims.
 *
 * Input: the text; output: `out`, a Float32Array of length dims (written, and returned).
 */

/** Past the last code point (U+10FFFF): a word's boundary mark cannot be a character of the text. */
const BOUNDARY = 0x110000;
const MAX_N = 3;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const DIGIT = /^\p{Nd}$/u;
const ZERO = 0x30;

/** murmur3's 32-bit finaliser: FNV-1a's low bits alone are too regular for `mod dims`. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function isDigit(cp: number): boolean {
  return cp < 0x80 ? cp >= ZERO && cp <= 0x39 : DIGIT.test(String.fromCodePoint(cp));
}

/** Adds ±1 to the bucket of each n-gram of `word` (code points with boundary marks at both ends). */
function addNgrams(word: readonly number[], dims: number, sums: Int32Array): void {
  for (let i = 0; i < word.length; i++) {
    let h = FNV_OFFSET;
    for (let n = 1; n <= MAX_N && i + n <= word.length; n++) {
      h = Math.imul(h ^ word[i + n - 1], FNV_PRIME);
      // A boundary mark alone is in every word: no feature.
      if (n === 1 && word[i] === BOUNDARY) continue;
      const m = mix(h ^ n);
      sums[(m >>> 1) % dims] += m & 1 ? 1 : -1;
    }
  }
}

export function charNgramVector(text: string, dims: number, out: Float32Array = new Float32Array(dims)): Float32Array {
  if (!(dims > 0) || out.length !== dims) throw new Error(`charNgramVector: out holds ${out.length} values for ${dims} dims`);
  const sums = new Int32Array(dims);
  for (const token of text.toLowerCase().split(/\s+/)) {
    if (token === '') continue;
    const word = [BOUNDARY];
    let digits = false;
    for (const ch of token) {
      const cp = ch.codePointAt(0) as number;
      word.push(cp);
      if (isDigit(cp)) digits = true;
    }
    word.push(BOUNDARY);
    addNgrams(word, dims, sums);
    if (digits) {
      for (let i = 1; i < word.length - 1; i++) if (isDigit(word[i])) word[i] = ZERO;
    }
    // A word without digits is its own shape: its features count twice, as a digit word's shared ones do.
    addNgrams(word, dims, sums);
  }
  let nonzero = 0;
  for (let j = 0; j < dims; j++) if (sums[j] !== 0) nonzero++;
  if (nonzero === 0) return out.fill(1 / Math.sqrt(dims));
  const v = 1 / Math.sqrt(nonzero);
  for (let j = 0; j < dims; j++) out[j] = sums[j] > 0 ? v : sums[j] < 0 ? -v : 0;
  return out;
}
