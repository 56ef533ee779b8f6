/**
 * Agreement between two labelings of the same rows: normalized mutual information (arithmetic-mean
 * normalisation, scikit-learn's default) and the adjusted Rand index, with scikit-learn's
 * conventions for degenerate cases. Labels are arbitrary integers (−1 for noise is just another
 * label). The contingency table is sparse — one entry per label pair that occurs — so it stays
 * O(n) even when both labelings have very many clusters.
 */

interface Contingency {
  n: number;
  /** Rows per label of a, and of b. */
  rowsA: Float64Array;
  rowsB: Float64Array;
  /** Rows per (a, b) label pair that occurs, keyed by idA · kB + idB. */
  pairs: Map<number, number>;
}

export function normalizedMutualInfo(a: Int32Array, b: Int32Array): number {
  const { n, rowsA, rowsB, pairs } = contingency(a, b);
  // Both labelings put everything in one cluster (or there is nothing): a perfect match.
  if (rowsA.length === rowsB.length && rowsA.length <= 1) return 1;
  let mi = 0;
  for (const [key, nij] of pairs) {
    const i = Math.floor(key / rowsB.length);
    const j = key - i * rowsB.length;
    mi += (nij / n) * Math.log((n * nij) / (rowsA[i] * rowsB[j]));
  }
  if (mi <= 0) return 0;
  return mi / ((entropy(rowsA, n) + entropy(rowsB, n)) / 2);
}

export function adjustedRandIndex(a: Int32Array, b: Int32Array): number {
  const { n, rowsA, rowsB, pairs } = contingency(a, b);
  // Pair counts: pairs together in both labelings, together in a only, in b only, in neither.
  let both = 0;
  for (const nij of pairs.values()) both += choose2(nij);
  let inA = 0;
  for (const r of rowsA) inA += choose2(r);
  let inB = 0;
  for (const r of rowsB) inB += choose2(r);
  const onlyA = inA - both;
  const onlyB = inB - both;
  // Both labelings group every pair the same way (including all-singletons vs all-singletons).
  if (onlyA === 0 && onlyB === 0) return 1;
  const neither = choose2(n) - both - onlyA - onlyB;
  return (2 * (both * neither - onlyA * onlyB)) / ((both + onlyA) * (onlyA + neither) + (both + onlyB) * (onlyB + neither));
}

function contingency(a: Int32Array, b: Int32Array): Contingency {
  if (a.length !== b.length) throw new RangeError(`labelings differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  const { ids: idsA, counts: rowsA } = denseIds(a);
  const { ids: idsB, counts: rowsB } = denseIds(b);
  const kb = rowsB.length;
  const pairs = new Map<number, number>();
  for (let r = 0; r < n; r++) {
    const key = idsA[r] * kb + idsB[r];
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  return { n, rowsA, rowsB, pairs };
}

/** Labels renamed 0..k−1 in order of first appearance, with rows per label. */
function denseIds(labels: Int32Array): { ids: Int32Array; counts: Float64Array } {
  const idOf = new Map<number, number>();
  const ids = new Int32Array(labels.length);
  const counts: number[] = [];
  for (let r = 0; r < labels.length; r++) {
    let id = idOf.get(labels[r]);
    if (id === undefined) {
      id = counts.length;
      idOf.set(labels[r], id);
      counts.push(0);
    }
    counts[id]++;
    ids[r] = id;
  }
  return { ids, counts: Float64Array.from(counts) };
}

function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (const c of counts) h -= (c / n) * Math.log(c / n);
  return h;
}

function choose2(x: number): number {
  return (x * (x - 1)) / 2;
}
