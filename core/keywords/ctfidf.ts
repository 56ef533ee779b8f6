/**
 * Class-based TF-IDF (Grootendorst, "BERTopic: Neural topic modeling with a class-based
 * TF-IDF procedure", 2022, eq. 1): for term t in cluster c,
 *   W(t, c) = tf(t, c) · log(1 + A / f(t))
 * tf(t, c) = count of t in c divided by the count of all terms in c (BERTopic normalises each
 * cluster's row to sum 1), f(t) = count of t over all clusters, A = average number of
 * terms per cluster.
 *
 * Input: `counts`, a clusters × vocabulary row-major Uint32Array of term counts.
 */

export interface ClusterKeywords {
  /** Vocabulary indices per cluster, best first. */
  terms: Int32Array[];
  scores: Float32Array[];
}

export function ctfidf(counts: Uint32Array, clusters: number, vocabulary: number, top: number): ClusterKeywords {
  if (counts.length !== clusters * vocabulary) throw new Error(`counts hold ${counts.length} values, expected ${clusters} × ${vocabulary}`);
  const termTotals = new Float64Array(vocabulary);
  const clusterTotals = new Float64Array(clusters);
  for (let c = 0; c < clusters; c++) {
    const row = c * vocabulary;
    for (let t = 0; t < vocabulary; t++) {
      const n = counts[row + t];
      termTotals[t] += n;
      clusterTotals[c] += n;
    }
  }
  let all = 0;
  for (const n of clusterTotals) all += n;
  const average = clusters > 0 ? all / clusters : 0;
  const idf = Float64Array.from(termTotals, (f) => (f > 0 ? Math.log(1 + average / f) : 0));

  const terms: Int32Array[] = [];
  const scores: Float32Array[] = [];
  const score = new Float64Array(vocabulary);
  for (let c = 0; c < clusters; c++) {
    const row = c * vocabulary;
    const total = clusterTotals[c];
    const nonZero: number[] = [];
    for (let t = 0; t < vocabulary; t++) {
      const n = counts[row + t];
      if (n === 0) continue;
      score[t] = (n / total) * idf[t];
      nonZero.push(t);
    }
    // Ties broken by the lower vocabulary index so results do not depend on sort stability.
    nonZero.sort((a, b) => score[b] - score[a] || a - b);
    const best = nonZero.slice(0, top);
    terms.push(Int32Array.from(best));
    scores.push(Float32Array.from(best, (t) => score[t]));
  }
  return { terms, scores };
}
