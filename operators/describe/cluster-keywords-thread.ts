/**
 * clusterKeywords on `workers` worker threads, so infer's describe tail can find each cluster's
 * representatives on the main thread meanwhile: the first worker chooses each cluster's
 * stop-word languages, then every worker counts the (term, cluster) pairs of its share of the
 * parts (part p to worker p mod workers), and the first merges the others' exact counts into its
 * own and finds the keywords (keywordsFrom). The same keywords as clusterKeywords on one thread;
 * the main thread only passes the other workers' terms and pair counts on, never the texts.
 */
import path from 'node:path';
import { LABELS } from '../../schemas/tables.js';
import { listParts } from '../parquet/parquet.js';
import type { ClusterKeywordsMethods } from './cluster-keywords-worker.js';
import type { KeywordOptions, KeywordResult, SharePairs } from './cluster-keywords.js';
import { WorkerClient } from '../workers/worker-rpc.js';

export async function clusterKeywordsThreads(outDir: string, o: KeywordOptions, workers: number): Promise<KeywordResult> {
  const clients = Array.from({ length: Math.max(1, workers) }, () => new WorkerClient<ClusterKeywordsMethods>(new URL('./cluster-keywords-worker.js', import.meta.url), null));
  try {
    const languages = await clients[0].call('languages', { outDir, clusters: o.clusters, language: o.language ?? 'auto' });
    const parts = listParts(path.join(outDir, LABELS.path)).map((_, p) => p);
    const shares = await Promise.all(
      clients.map((client, w) => {
        const share = { clusters: o.clusters, languages, bigrams: o.bigrams, parts: parts.filter((p) => p % clients.length === w) };
        return client.call('count', { outDir, share, maxPairs: o.maxPairs, keep: w === 0 });
      }),
    );
    const others = shares.slice(1) as SharePairs[];
    const buffers = others.flatMap((s) => (s ? [s.term.buffer as ArrayBuffer, s.cluster.buffer as ArrayBuffer, s.count.buffer as ArrayBuffer] : []));
    return await clients[0].call('keywords', { outDir, options: o, languages, others }, buffers);
  } catch (e) {
    await Promise.all(clients.map((c) => c.terminate()));
    throw e;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
