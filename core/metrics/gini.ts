/**
 * The Gini coefficient of non-negative values (cluster sizes): 0 when all are equal, towards 1
 * when one holds everything; the mean absolute difference over twice the mean,
 * G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄), computed from the sorted values as
 * G = 2 Σᵢ i · x₍ᵢ₎ / (n Σ x) − (n + 1) / n (i from 1, ascending).
 */
export function giniCoefficient(values: ArrayLike<number>): number {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  if (n === 0 || sorted[0] < 0) throw new RangeError(`the Gini coefficient needs at least one non-negative value${n ? `, got ${sorted[0]}` : ''}`);
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i];
    weighted += (i + 1) * sorted[i];
  }
  return total === 0 ? 0 : (2 * weighted) / (n * total) - (n + 1) / n;
}
