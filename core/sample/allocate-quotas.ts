/**
 * How many sample rows each cluster contributes.
 *
 * Both rules are one formula, quota = base + λ · weight, with λ chosen so the quotas add up to
 * the rows still to hand out: `equal` has base 0 and weight 1, `sqrt` has base 1 (one row per
 * cluster) and weight √size. A cluster whose quota reaches its size gives all its rows, and what
 * it could not take is shared again by the same rule among the others (water-filling). Under both
 * rules the quota at which a cluster saturates grows with its size, so clusters saturate smallest
 * first and one walk over the clusters sorted by size finds the fixed point: O(k log k).
 *
 * Fractional quotas are rounded by largest remainder. Equal remainders — always the case under
 * `equal`, and among clusters of equal size under `sqrt` — are ordered by a random rank drawn
 * from `seed`, so the same seed always gives the same allocation.
 */
import { createRng, sampleIndices, shuffleInPlace } from '../util/random.js';

export type QuotaRule = 'equal' | 'sqrt';

/**
 * Quota per cluster; `sizes` are rows per cluster with noise already excluded. The quotas sum to
 * exactly min(sampleSize, Σ sizes) and no quota exceeds its cluster's size.
 */
export function allocateQuotas(sizes: Int32Array | number[], sampleSize: number, rule: QuotaRule, seed: number): Int32Array {
  if (!Number.isInteger(sampleSize) || sampleSize < 0) throw new RangeError(`sample size must be a whole number ≥ 0, got ${sampleSize}`);
  const k = sizes.length;
  const quotas = new Int32Array(k);
  let total = 0;
  let m = 0;
  for (let i = 0; i < k; i++) {
    const s = sizes[i];
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`cluster ${i} has an invalid size ${s}`);
    total += s;
    if (s > 0) m++;
  }
  if (sampleSize >= total) {
    quotas.set(sizes);
    return quotas;
  }

  const order = new Int32Array(m);
  for (let i = 0, j = 0; i < k; i++) if (sizes[i] > 0) order[j++] = i;
  const rng = createRng(seed);
  if (sampleSize < m) {
    for (const j of sampleIndices(m, sampleSize, rng)) quotas[order[j]] = 1;
    return quotas;
  }
  const rank = shuffleInPlace(Int32Array.from({ length: k }, (_, i) => i), rng);

  const base = rule === 'sqrt' ? 1 : 0;
  const weight = rule === 'sqrt' ? Math.sqrt : () => 1;
  order.sort((a, b) => sizes[a] - sizes[b]);
  // Each suffix sum is accumulated directly, so λ carries no drift from repeated subtraction.
  const suffixWeight = new Float64Array(m + 1);
  for (let p = m - 1; p >= 0; p--) suffixWeight[p] = suffixWeight[p + 1] + weight(sizes[order[p]]);

  let left = sampleSize;
  let p = 0;
  let lambda = 0;
  for (; p < m; p++) {
    lambda = (left - base * (m - p)) / suffixWeight[p];
    const s = sizes[order[p]];
    if (base + lambda * weight(s) < s) break;
    quotas[order[p]] = s;
    left -= s;
  }

  // The unsaturated clusters order[p..]: floor of each quota, then largest remainder.
  const open = order.subarray(p);
  const remainder = new Float64Array(k);
  for (const c of open) {
    const q = base + lambda * weight(sizes[c]);
    quotas[c] = Math.floor(q);
    remainder[c] = q - quotas[c];
    left -= quotas[c];
  }
  open.sort((a, b) => remainder[b] - remainder[a] || rank[a] - rank[b]);
  for (let j = 0; j < left; j++) quotas[open[j]]++;
  // Rounding error can only push a quota just below an integer up onto it; take that unit back.
  for (let j = 0; j < -left; j++) quotas[open[open.length - 1 - j]]--;
  return quotas;
}
