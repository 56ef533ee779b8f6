/**
 * c-TF-IDF keywords of every cluster, streamed over labels/ + rows/ one part at a time in
 * two passes: the first keeps a bounded vocabulary of the most frequent terms
 * (core/keywords/term-vocabulary.ts), the second counts those terms per cluster into one
 * clusters × vocabulary Uint32Array. Memory is the vocabulary and that array, never the rows.
 * Noise (cluster −1) is not counted.
 *
 * Stop words: with language "auto" a first, shorter pass reads the first LANGUAGE_SAMPLE texts of
 * each cluster and picks the cluster's languages from their scripts and stop words
 * (core/keywords/keyword-language.ts); a language code uses that language's list everywhere,
 * "none" drops nothing.
 */
import { ctfidf } from '../../core/keywords/ctfidf.js';
import { KeywordLanguages } from '../../core/keywords/keyword-language.js';
import { forEachTerm, keywordWords } from '../../core/keywords/keyword-terms.js';
import { TermVocabulary } from '../../core/keywords/term-vocabulary.js';
import { labelledParts } from '../parquet/labelled-parts.js';
import { stopWordLists } from './stop-words.js';

/** Counts array budget: 32 Mi counts (128 MiB); the vocabulary shrinks to fit many clusters. */
const MAX_COUNTS = 32 * 1024 * 1024;
/** Texts per cluster the language is chosen from: 200 short queries are ~1,500 words, ample for a stop-word profile. */
const LANGUAGE_SAMPLE = 200;
const NO_STOP_WORDS: ReadonlySet<string> = new Set();

export interface KeywordOptions {
  /** Clusters are 0 … clusters − 1. */
  clusters: number;
  top: number;
  vocabulary: number;
  bigrams?: boolean;
  /** "auto" (default): per cluster by script and stop words; a stopwords-iso code; "none". */
  language?: string;
}

export interface KeywordResult {
  keywords: string[][];
  scores: Float32Array[];
  /** Terms counted per cluster after the cap. */
  vocabularySize: number;
  /** The languages whose stop words each cluster dropped (several when it writes in several scripts). */
  languages: string[][];
}

export function clusterKeywords(outDir: string, o: KeywordOptions): KeywordResult {
  const bigrams = o.bigrams ?? true;
  const languages = keywordLanguages(outDir, o.clusters, o.language ?? 'auto');
  const stopWords = stopWordsOf(languages);
  const cap = Math.max(1, Math.min(o.vocabulary, Math.floor(MAX_COUNTS / Math.max(1, o.clusters))));
  const vocabulary = new TermVocabulary(cap);
  for (const part of labelledParts(outDir)) {
    for (let i = 0; i < part.ids.length; i++) {
      const c = part.clusters[i];
      if (c < 0) continue;
      if (c >= o.clusters) throw new Error(`label ${c} is outside the ${o.clusters} clusters of the model; rerun semclust infer`);
      forEachTerm(part.texts[i], bigrams, stopWords[c], (t) => vocabulary.add(t));
    }
  }
  const index = vocabulary.finish();
  const v = index.size;
  const counts = new Uint32Array(o.clusters * v);
  for (const part of labelledParts(outDir)) {
    for (let i = 0; i < part.ids.length; i++) {
      const c = part.clusters[i];
      if (c < 0) continue;
      const row = c * v;
      forEachTerm(part.texts[i], bigrams, stopWords[c], (t) => {
        const j = index.get(t);
        if (j !== undefined) counts[row + j]++;
      });
    }
  }
  const terms = [...index.keys()];
  const result = ctfidf(counts, o.clusters, v, o.top);
  return { keywords: result.terms.map((ts) => Array.from(ts, (j) => terms[j])), scores: result.scores, vocabularySize: v, languages };
}

/** Each cluster's languages: the one given, none, or chosen from its first texts. */
function keywordLanguages(outDir: string, clusters: number, language: string): string[][] {
  if (language === 'none') return Array.from({ length: clusters }, () => []);
  const lists = stopWordLists();
  if (language !== 'auto') {
    if (!lists.has(language)) throw new Error(`keywords_language ${language} has no stop-word list: give auto, none or one of ${[...lists.keys()].sort().join(', ')}`);
    return Array.from({ length: clusters }, () => [language]);
  }
  const evidence = new KeywordLanguages(lists, clusters);
  const seen = new Uint32Array(clusters);
  let open = clusters;
  for (const part of labelledParts(outDir)) {
    for (let i = 0; i < part.ids.length && open > 0; i++) {
      const c = part.clusters[i];
      if (c < 0 || c >= clusters || seen[c] === LANGUAGE_SAMPLE) continue;
      evidence.add(c, keywordWords(part.texts[i], NO_STOP_WORDS));
      if (++seen[c] === LANGUAGE_SAMPLE) open--;
    }
    if (open === 0) break;
  }
  return Array.from({ length: clusters }, (_, c) => evidence.choose(c));
}

function stopWordsOf(languages: string[][]): ReadonlySet<string>[] {
  const lists = stopWordLists();
  const byKey = new Map<string, ReadonlySet<string>>();
  return languages.map((codes) => {
    const key = codes.join(',');
    let set = byKey.get(key);
    if (!set) {
      set = codes.length === 1 ? lists.get(codes[0])! : new Set(codes.flatMap((code) => [...lists.get(code)!]));
      byKey.set(key, set);
    }
    return set;
  });
}
