/**
 * Worker side of clusterKeywordsThreads: each cluster's stop-word languages, and the exact pair
 * counts of a share of the parts (cluster-keywords.ts, countPairs), read from the run folder here.
 */
import { Transfer, serveWorker } from '../workers/worker-rpc.js';
import { countPairs, keywordLanguages, type PairShare } from './cluster-keywords.js';

export type ClusterKeywordsMethods = ReturnType<typeof methods>;

function methods() {
  return {
    languages: (job: { outDir: string; clusters: number; language: string }) => keywordLanguages(job.outDir, job.clusters, job.language),
    count: (job: { outDir: string; share: PairShare }) => {
      const pairs = countPairs(job.outDir, job.share);
      return new Transfer(pairs, pairs ? [pairs.term.buffer as ArrayBuffer, pairs.cluster.buffer as ArrayBuffer, pairs.count.buffer as ArrayBuffer] : []);
    },
  };
}

await serveWorker(async () => ({ state: null }), methods);
