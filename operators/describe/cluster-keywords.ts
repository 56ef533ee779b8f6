/**
 * c-TF-IDF keywords of every cluster, streamed over labels/ + rows/ one part at a time. One
 * pass counts every (term, cluster) pair exactly (core/keywords/cluster-term-counts.ts) while
 * they fit a budget; past it, two passes: the first keeps a bounded vocabulary of the most
 * frequent terms (core/keywords/term-vocabulary.ts), the second counts those terms per cluster.
 * Either ends in one clusters × vocabulary Uint32Array. Memory is the budget or the vocabulary
 * and that array, never the rows. Noise (cluster −1) is not counted.
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
import { ClusterTermCounts } from '../../core/keywords/cluster-term-counts.js';
import { labelledParts } from '../parquet/labelled-parts.js';
import { stopWordLists } from './stop-words.js';

/** Counts array budget: 32 Mi counts (128 MiB); the vocabulary shrinks to fit many clusters. */
const MAX_COUNTS = 32 * 1024 * 1024;
/**
 * One-pass budget: 4 Mi (term, cluster) pairs (at most 8 Mi slots of 12 bytes, 96 MiB), 2.4× the
 * 1.76M pairs of 1M synthetic Banking77 rows at k = 1000, and 1 Mi distinct terms (their
 * strings, ~70 MiB; that corpus has 157k).
 */
const MAX_PAIRS = 4 * 1024 * 1024;
const MAX_TERMS = 1024 * 1024;
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
  /** (term, cluster) pairs counted exactly in one pass before falling back to two (tests lower it). */
  maxPairs?: number;
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
  const languages = keywordLanguages(outDir, o.clusters, o.language ?? 'auto');
  return keywordsFrom(outDir, o, languages, new PairCounts(o.maxPairs).count(outDir, { ...o, languages, parts: null }));
}

/** One share of the one-pass count: the parts it reads (null: all) with each cluster's languages (keywordLanguages). */
export interface PairShare {
  clusters: number;
  languages: string[][];
  parts: number[] | null;
  bigrams?: boolean;
}

/** A share's exact (term, cluster) counts, to move to another thread: its terms by id and its pairs (ClusterTermCounts.entries); null past a budget. */
export type SharePairs = ({ terms: string[] } & ReturnType<ClusterTermCounts['entries']>) | null;

/**
 * Keywords from one-pass counts that read every part once (on this thread, or shares of the parts
 * merged into `counts`): the same keywords however the parts were shared. Past the pair or term
 * budget, in a share or merged, the two passes count instead.
 */
export function keywordsFrom(outDir: string, o: KeywordOptions, languages: string[][], counts: PairCounts): KeywordResult {
  const bigrams = o.bigrams ?? true;
  const cap = Math.max(1, Math.min(o.vocabulary, Math.floor(MAX_COUNTS / Math.max(1, o.clusters))));
  const counted = counts.vocabulary(o.clusters, cap) ?? countInTwoPasses(outDir, o.clusters, cap, bigrams, stopWordsOf(languages));
  const result = ctfidf(counted.counts, o.clusters, counted.terms.length, o.top);
  return { keywords: result.terms.map((ts) => Array.from(ts, (j) => counted.terms[j])), scores: result.scores, vocabularySize: counted.terms.length, languages };
}

interface Counted {
  /** The vocabulary, most frequent first (ties alphabetical). */
  terms: string[];
  /** clusters × terms.length counts. */
  counts: Uint32Array;
}

/** Calls `visit` with each counted row's cluster and text, in part order (of `parts`, or all); noise is skipped. */
function forEachLabelledText(outDir: string, clusters: number, visit: (cluster: number, text: string) => void, parts?: ReadonlySet<number>): void {
  for (const part of labelledParts(outDir, parts)) {
    for (let i = 0; i < part.ids.length; i++) {
      const c = part.clusters[i];
      if (c < 0) continue;
      if (c >= clusters) throw new Error(`label ${c} is outside the ${clusters} clusters of the model; rerun semclust infer`);
      visit(c, part.texts[i]);
    }
  }
}

/**
 * Exact counts of each (term, cluster) pair, every text tokenised once: the texts of some parts
 * counted here, other threads' shares merged in, under the budgets: `full` once the pairs pass
 * `maxPairs` or the terms MAX_TERMS (a corpus with a vast vocabulary), and the two passes count
 * instead. Keywords of 200k synthetic Banking77 rows, k = 1000: 7.7 s → 4.7 s with the same
 * keywords and scores; at 1M, where the lossy pass prunes, the same top 10 keywords in all 1,000
 * clusters (docs/performance.md).
 */
export class PairCounts {
  private readonly ids = new Map<string, number>();
  private readonly pairs: ClusterTermCounts;
  full = false;

  constructor(maxPairs = MAX_PAIRS) {
    this.pairs = new ClusterTermCounts(maxPairs);
  }

  private idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) this.ids.set(term, (id = this.ids.size));
    return id;
  }

  /** Counts the terms of the share's texts. */
  count(outDir: string, share: PairShare): this {
    const stopWords = stopWordsOf(share.languages);
    const bigrams = share.bigrams ?? true;
    const visit = (c: number, text: string) => {
      if (this.full) return;
      forEachTerm(text, bigrams, stopWords[c], (t) => {
        if (!this.pairs.add(this.idOf(t), c) || this.ids.size > MAX_TERMS) this.full = true;
      });
    };
    forEachLabelledText(outDir, share.clusters, visit, share.parts ? new Set(share.parts) : undefined);
    return this;
  }

  /** Adds another thread's share (`share()` there). */
  merge(other: SharePairs): this {
    if (this.full || other === null) {
      this.full = true;
      return this;
    }
    const id = Int32Array.from(other.terms, (t) => this.idOf(t));
    if (this.ids.size > MAX_TERMS) this.full = true;
    for (let i = 0; i < other.count.length && !this.full; i++) if (!this.pairs.add(id[other.term[i]], other.cluster[i], other.count[i])) this.full = true;
    return this;
  }

  /** These counts, to merge on another thread. */
  share(): SharePairs {
    return this.full ? null : { terms: [...this.ids.keys()], ...this.pairs.entries() };
  }

  /**
   * The vocabulary: the `cap` terms most frequent over all clusters (what the lossy first pass
   * approximates; the same vocabulary when it did not prune), with their counts; null when full.
   */
  vocabulary(clusters: number, cap: number): Counted | null {
    if (this.full) return null;
    // The order TermVocabulary.finish() gives, here over exact counts.
    const all = [...this.ids.keys()];
    const pairs = this.pairs;
    const kept = Int32Array.from(all.keys())
      .sort((a, b) => pairs.total(b) - pairs.total(a) || (all[a] < all[b] ? -1 : all[a] > all[b] ? 1 : 0))
      .slice(0, cap);
    const column = new Int32Array(all.length).fill(-1);
    kept.forEach((id, j) => (column[id] = j));
    return { terms: Array.from(kept, (id) => all[id]), counts: pairs.dense(clusters, column, kept.length) };
  }
}

/**
 * Bounded memory whatever the vocabulary: a first pass keeps the `cap` most frequent terms
 * (lossy counting), a second counts just those per cluster.
 */
function countInTwoPasses(outDir: string, clusters: number, cap: number, bigrams: boolean, stopWords: ReadonlySet<string>[]): Counted {
  const vocabulary = new TermVocabulary(cap);
  forEachLabelledText(outDir, clusters, (c, text) => forEachTerm(text, bigrams, stopWords[c], (t) => vocabulary.add(t)));
  const index = vocabulary.finish();
  const v = index.size;
  const counts = new Uint32Array(clusters * v);
  forEachLabelledText(outDir, clusters, (c, text) => {
    const row = c * v;
    forEachTerm(text, bigrams, stopWords[c], (t) => {
      const j = index.get(t);
      if (j !== undefined) counts[row + j]++;
    });
  });
  return { terms: [...index.keys()], counts };
}

/** Each cluster's languages: the one given, none, or chosen from its first texts. */
export function keywordLanguages(outDir: string, clusters: number, language: string): string[][] {
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
