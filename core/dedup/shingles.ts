/**
 * The shingles a MinHash signature is taken over, as 32-bit hashes: word n-grams (the
 * reference's dedup_minhash.py uses single words; datatrove 5-grams) or character n-grams
 * (NeMo Curator's fuzzy dedup; 24 by default there, for documents) of a normalised text
 * (normalize-text.ts). A text shorter than n gives one shingle, itself, so short prompts still
 * compare; "" gives none. Hash: FNV-1a over UTF-16 code units (words joined by a space) finished
 * by murmur3's fmix32, whose avalanche the multiply-shift permutations of minhash.ts rely on.
 */
export type ShingleUnit = 'word' | 'char';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3's 32-bit finaliser: a bijection on uint32 with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashRange(s: string, from: number, to: number): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

/**
 * The distinct shingle hashes of `text` (already normalised): `unit` n-grams, n ≥ 1.
 * Distinct, so that a repeated shingle does not count twice in a Jaccard similarity.
 */
export function shingleHashes(text: string, unit: ShingleUnit, n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (text === '') return new Uint32Array(0);
  const out: number[] = [];
  if (unit === 'char') {
    if (text.length <= n) out.push(hashRange(text, 0, text.length));
    else for (let i = 0; i + n <= text.length; i++) out.push(hashRange(text, i, i + n));
  } else {
    // Word starts; the n-gram from word i runs to the space before word i + n.
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 32) starts.push(i + 1);
    const words = starts.length;
    const end = (w: number) => (w >= words ? text.length : starts[w] - 1);
    if (words <= n) out.push(hashRange(text, 0, text.length));
    else for (let w = 0; w + n <= words; w++) out.push(hashRange(text, starts[w], end(w + n)));
  }
  return Uint32Array.from(new Set(out));
}
