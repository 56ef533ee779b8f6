/**
 * Mean silhouette width (Rousseeuw 1987, J. Comput. Appl. Math. 20: 53–65) of n × d rows
 * (row-major Float32Array) under Euclidean distance, with scikit-learn's conventions
 * (`silhouette_score`): s(i) = (b − a) / max(a, b), where a is the mean distance from row i to
 * the other rows of its cluster and b the smallest mean distance to the rows of another
 * cluster; a row alone in its cluster scores 0. Labels are arbitrary integers.
 *
 * Distances are computed in tiles of TILE_ROWS × TILE_ROWS rows from ‖x‖² + ‖y‖² − 2x·y and
 * summed straight into per-cluster totals, so memory is n × clusters doubles, never n × n.
 * Every pair is visited once (n² · d multiply-adds): callers pass a seeded subsample, as
 * scikit-learn's `sample_size` does (fit --k-sweep uses 3,000 rows).
 */

/** Rows per tile side: 64 × 64 tiles of 100-d rows stay in L1/L2 cache. */
const TILE_ROWS = 64;

export function silhouetteScore(x: Float32Array, n: number, d: number, labels: Int32Array): number {
  if (x.length !== n * d || labels.length !== n) throw new RangeError(`expected ${n} × ${d} values and ${n} labels, got ${x.length} and ${labels.length}`);
  const ids = new Map<number, number>();
  const cluster = Int32Array.from(labels, (l) => {
    let id = ids.get(l);
    if (id === undefined) ids.set(l, (id = ids.size));
    return id;
  });
  const m = ids.size;
  if (m < 2 || m > n - 1) throw new RangeError(`the silhouette needs 2 to n − 1 clusters, got ${m} for ${n} rows`);
  const sizes = new Float64Array(m);
  for (const c of cluster) sizes[c]++;
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) s += x[i * d + t] * x[i * d + t];
    norms[i] = s;
  }
  // totals[i · m + c]: the sum of distances from row i to the rows of cluster c.
  const totals = new Float64Array(n * m);
  for (let i0 = 0; i0 < n; i0 += TILE_ROWS) {
    const i1 = Math.min(n, i0 + TILE_ROWS);
    for (let j0 = i0; j0 < n; j0 += TILE_ROWS) {
      const j1 = Math.min(n, j0 + TILE_ROWS);
      for (let i = i0; i < i1; i++) {
        const xi = i * d;
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const xj = j * d;
          let dot = 0;
          for (let t = 0; t < d; t++) dot += x[xi + t] * x[xj + t];
          // Rounding can make the squared distance of near-equal rows slightly negative.
          const dist = Math.sqrt(Math.max(0, norms[i] + norms[j] - 2 * dot));
          totals[i * m + cluster[j]] += dist;
          totals[j * m + cluster[i]] += dist;
        }
      }
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const own = cluster[i];
    if (sizes[own] < 2) continue;
    const a = totals[i * m + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < m; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, totals[i * m + c] / sizes[c]);
    const width = Math.max(a, b);
    if (width > 0) sum += (b - a) / width;
  }
  return sum / n;
}
