/**
 * Worker side of clusterKeywordsThreads: each cluster's stop-word languages; the exact pair
 * counts of a share of the parts (cluster-keywords.ts, PairCounts), kept here or sent back; and
 * the keywords once the other workers' shares are merged into the kept counts.
 */
import { Transfer, serveWorker } from '../workers/worker-rpc.js';
import { keywordLanguages, keywordsFrom, PairCounts, type KeywordOptions, type PairShare, type SharePairs } from './cluster-keywords.js';

export type ClusterKeywordsMethods = ReturnType<typeof methods>;

function methods(state: { kept: PairCounts | null }) {
  return {
    languages: (job: { outDir: string; clusters: number; language: string }) => keywordLanguages(job.outDir, job.clusters, job.language),
    /** Counts the share; `keep`: holds the counts for `keywords`, else sends them back. */
    count: (job: { outDir: string; share: PairShare; maxPairs?: number; keep: boolean }) => {
      const counts = new PairCounts(job.maxPairs).count(job.outDir, job.share);
      if (job.keep) {
        state.kept = counts;
        return new Transfer(null, []);
      }
      const pairs = counts.share();
      return new Transfer(pairs, pairs ? [pairs.term.buffer as ArrayBuffer, pairs.cluster.buffer as ArrayBuffer, pairs.count.buffer as ArrayBuffer] : []);
    },
    keywords: (job: { outDir: string; options: KeywordOptions; languages: string[][]; others: SharePairs[] }) => {
      if (!state.kept) throw new Error('keywords asked of a worker that kept no counts');
      const counts = state.kept;
      state.kept = null;
      for (const other of job.others) counts.merge(other);
      return keywordsFrom(job.outDir, job.options, job.languages, counts);
    },
  };
}

await serveWorker(async () => ({ state: { kept: null } }), methods);
