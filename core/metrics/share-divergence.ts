/**
 * How far two distributions over the same categories are apart, each given as counts in the
 * same category order (cluster sizes of a sample and of its population, or the counts of a
 * record field's values): counts are normalised to shares first, so a sample of 1,000 and a
 * population of 1,000,000 compare directly.
 *
 * - Jensen–Shannon divergence (Lin, "Divergence measures based on the Shannon entropy", IEEE
 *   Trans. Inf. Theory 1991), base 2: JSD(P, Q) = ½ KL(P‖M) + ½ KL(Q‖M) with M = ½(P + Q); 0
 *   for identical shares, 1 for disjoint supports; finite where one side has a zero.
 * - Total variation distance: ½ Σ |p − q|, the share of the sample that would have to move to
 *   another category to match the population; 0 identical, 1 disjoint.
 */

function shares(counts: ArrayLike<number>, what: string): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    if (!(counts[i] >= 0)) throw new RangeError(`${what}: counts must be ≥ 0, got ${counts[i]} at ${i}`);
    total += counts[i];
  }
  if (total <= 0) throw new RangeError(`${what}: the counts sum to 0; there is no distribution to compare`);
  return Float64Array.from(counts as ArrayLike<number>, (c) => c / total);
}

function sameLength(p: ArrayLike<number>, q: ArrayLike<number>): void {
  if (p.length !== q.length) throw new RangeError(`the two count vectors cover ${p.length} and ${q.length} categories; give both in the same category order`);
}

/** Jensen–Shannon divergence (base 2, in [0, 1]) between the shares of counts `p` and `q`. */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  sameLength(p, q);
  const a = shares(p, 'p');
  const b = shares(q, 'q');
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const m = (a[i] + b[i]) / 2;
    if (a[i] > 0) d += a[i] * Math.log2(a[i] / m);
    if (b[i] > 0) d += b[i] * Math.log2(b[i] / m);
  }
  // Rounding can leave −1e-17 for identical shares.
  return Math.min(1, Math.max(0, d / 2));
}

/** Total variation distance (in [0, 1]) between the shares of counts `p` and `q`. */
export function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  sameLength(p, q);
  const a = shares(p, 'p');
  const b = shares(q, 'q');
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return Math.min(1, d / 2);
}
