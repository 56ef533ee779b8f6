/**
 * c-TF-IDF keywords of every cluster, streamed over labels/ + rows/ one part at a time in
 * two passes: the first keeps a bounded vocabulary of the most frequent terms
 * (core/keywords/term-vocabulary.ts), the second counts those terms per cluster into one
 * clusters × vocabulary Uint32Array. Memory is the vocabulary and that array, never the rows.
 * Noise (cluster −1) is not counted.
 */
import { ctfidf } from '../../core/keywords/ctfidf.js';
import { forEachTerm } from '../../core/keywords/keyword-terms.js';
import { TermVocabulary } from '../../core/keywords/term-vocabulary.js';
import { labelledParts } from '../parquet/labelled-parts.js';

/** Counts array budget: 32 Mi counts (128 MiB); the vocabulary shrinks to fit many clusters. */
const MAX_COUNTS = 32 * 1024 * 1024;

export interface KeywordOptions {
  /** Clusters are 0 … clusters − 1. */
  clusters: number;
  top: number;
  vocabulary: number;
  bigrams?: boolean;
}

export interface KeywordResult {
  keywords: string[][];
  scores: Float32Array[];
  /** Terms counted per cluster after the cap. */
  vocabularySize: number;
}

export function clusterKeywords(outDir: string, o: KeywordOptions): KeywordResult {
  const bigrams = o.bigrams ?? true;
  const cap = Math.max(1, Math.min(o.vocabulary, Math.floor(MAX_COUNTS / Math.max(1, o.clusters))));
  const vocabulary = new TermVocabulary(cap);
  for (const part of labelledParts(outDir)) {
    for (let i = 0; i < part.ids.length; i++) if (part.clusters[i] >= 0) forEachTerm(part.texts[i], bigrams, (t) => vocabulary.add(t));
  }
  const index = vocabulary.finish();
  const v = index.size;
  const counts = new Uint32Array(o.clusters * v);
  for (const part of labelledParts(outDir)) {
    for (let i = 0; i < part.ids.length; i++) {
      const c = part.clusters[i];
      if (c < 0) continue;
      if (c >= o.clusters) throw new Error(`label ${c} is outside the ${o.clusters} clusters of the model; rerun semclust infer`);
      const row = c * v;
      forEachTerm(part.texts[i], bigrams, (t) => {
        const j = index.get(t);
        if (j !== undefined) counts[row + j]++;
      });
    }
  }
  const terms = [...index.keys()];
  const result = ctfidf(counts, o.clusters, v, o.top);
  return { keywords: result.terms.map((ts) => Array.from(ts, (j) => terms[j])), scores: result.scores, vocabularySize: v };
}
