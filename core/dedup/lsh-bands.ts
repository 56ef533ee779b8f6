/**
 * Banding for MinHash LSH (Leskovec, Rajaraman & Ullman, Mining of Massive Datasets, §3.4): P
 * signature positions cut into b bands of r rows; two rows become candidates when any band is
 * equal, with probability 1 − (1 − sʳ)ᵇ at Jaccard s. For a threshold t, the (b, r) with
 * b·r ≤ P minimising w·(false-negative area ∫ₜ¹ (1 − P(s)) ds) + (1 − w)·(false-positive area
 * ∫₀ᵗ P(s) ds) — the rule datasketch's MinHashLSH applies, with its weights (0.5, 0.5) by
 * default; integrated here by Simpson's rule on 200 intervals (the chosen pair is stable beyond
 * 50). Equal weights find a pair at exactly Jaccard t only 40% of the time (t = 0.8, P = 128:
 * 9 bands × 13 rows); when every candidate is confirmed by its Jaccard afterwards, a
 * false positive costs one comparison and a false negative a missed duplicate, so the dedup
 * stage weighs false negatives 0.9: P(t) 0.87 with 14 × 9 (Banking77 recall in docs/curate.md).
 */
export interface LshBands {
  bands: number;
  rows: number;
}

const STEPS = 200;

/** The false negatives' weight when every candidate is confirmed by its Jaccard (see above). */
export const CONFIRMED_FALSE_NEGATIVE_WEIGHT = 0.9;

function simpson(f: (s: number) => number, lo: number, hi: number): number {
  if (hi <= lo) return 0;
  const h = (hi - lo) / STEPS;
  let sum = f(lo) + f(hi);
  for (let i = 1; i < STEPS; i++) sum += (i % 2 ? 4 : 2) * f(lo + i * h);
  return (sum * h) / 3;
}

/** Probability that two rows of Jaccard s share a band. */
export function candidateProbability(s: number, bands: number, rows: number): number {
  return 1 - (1 - s ** rows) ** bands;
}

/** (b, r) for a Jaccard `threshold` in (0, 1), P `permutations` and the false negatives' weight w in (0, 1). */
export function lshBands(threshold: number, permutations: number, falseNegativeWeight = 0.5): LshBands {
  if (!(falseNegativeWeight > 0 && falseNegativeWeight < 1)) throw new RangeError(`falseNegativeWeight must be in (0, 1), got ${falseNegativeWeight}`);
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be in (0, 1), got ${threshold}`);
  if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError(`permutations must be a positive integer, got ${permutations}`);
  let best: LshBands = { bands: 1, rows: 1 };
  let bestError = Infinity;
  for (let b = 1; b <= permutations; b++) {
    for (let r = 1; b * r <= permutations; r++) {
      const fp = simpson((s) => candidateProbability(s, b, r), 0, threshold);
      const fn = simpson((s) => 1 - candidateProbability(s, b, r), threshold, 1);
      const error = (1 - falseNegativeWeight) * fp + falseNegativeWeight * fn;
      if (error < bestError) {
        bestError = error;
        best = { bands: b, rows: r };
      }
    }
  }
  return best;
}
