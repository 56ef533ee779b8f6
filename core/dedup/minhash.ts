/**
 * MinHash signatures (Broder 1997, "On the resemblance and containment of documents"): for each
 * of P hash functions h_p, the minimum of h_p over a text's shingle hashes; two texts agree at a
 * position with probability equal to the Jaccard similarity of their shingle sets, so the share
 * of equal positions estimates it (standard error √(J(1 − J)/P): 0.035 at J = 0.8, P = 128).
 *
 * h_p(x) = (a_p·x + b_p) mod 2³², a_p odd: multiply-shift hashing (Dietzfelbinger et al. 1997),
 * two integer operations per shingle and permutation where datasketch's (a·x + b) mod (2⁶¹ − 1)
 * needs 64-bit products. It is universal on its high bits, which decide a minimum; the inputs
 * are already fmix32 hashes (shingles.ts), so no structure is left for its low bits to expose.
 * The estimate's error on random sets matches the binomial bound above (test/core/dedup/minhash.test.ts).
 */
import { createRng } from '../util/random.js';

export interface MinHashFamily {
  /** P odd multipliers. */
  a: Uint32Array;
  /** P offsets. */
  b: Uint32Array;
}

/** P hash functions drawn from `seed`. */
export function minhashFamily(permutations: number, seed: number): MinHashFamily {
  if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError(`permutations must be a positive integer, got ${permutations}`);
  const rng = createRng(seed);
  const draw = () => Math.floor(rng.next() * 0x100000000) >>> 0;
  const a = new Uint32Array(permutations);
  const b = new Uint32Array(permutations);
  for (let p = 0; p < permutations; p++) {
    a[p] = (draw() | 1) >>> 0;
    b[p] = draw();
  }
  return { a, b };
}

/**
 * Writes the signature of one shingle set (`shingles`, hashes from shingles.ts) into
 * `out[offset … offset + P)`. An empty set gives P × 0xffffffff, which callers leave out of
 * comparisons (it would equal every other empty set).
 */
export function minhashSignature(shingles: Uint32Array, family: MinHashFamily, out: Uint32Array, offset: number): void {
  const { a, b } = family;
  const m = shingles.length;
  for (let p = 0; p < a.length; p++) {
    const ap = a[p];
    const bp = b[p];
    let min = 0xffffffff;
    for (let s = 0; s < m; s++) {
      const v = (Math.imul(ap, shingles[s]) + bp) >>> 0;
      if (v < min) min = v;
    }
    out[offset + p] = min;
  }
}

/** The Jaccard estimate of rows i and j of `signatures` (row-major, P values a row): the share of equal positions. */
export function estimatedJaccard(signatures: Uint32Array, permutations: number, i: number, j: number): number {
  const oi = i * permutations;
  const oj = j * permutations;
  let equal = 0;
  for (let p = 0; p < permutations; p++) if (signatures[oi + p] === signatures[oj + p]) equal++;
  return equal / permutations;
}
