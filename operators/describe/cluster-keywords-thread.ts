/**
 * clusterKeywords on `workers` worker threads, so infer's describe tail can find each cluster's
 * representatives on the main thread meanwhile: the first worker chooses each cluster's
 * stop-word languages, then every worker counts the (term, cluster) pairs of its share of the
 * parts (part p to worker p mod workers) and the main thread merges the exact counts
 * (keywordsFrom). The same keywords as clusterKeywords on one thread; each worker returns its
 * terms and pair counts, never the texts.
 */
import path from 'node:path';
import { LABELS } from '../../schemas/tables.js';
import { listParts } from '../parquet/parquet.js';
import type { ClusterKeywordsMethods } from './cluster-keywords-worker.js';
import { keywordsFrom, type KeywordOptions, type KeywordResult } from './cluster-keywords.js';
import { WorkerClient } from '../workers/worker-rpc.js';

export async function clusterKeywordsThreads(outDir: string, o: KeywordOptions, workers: number): Promise<KeywordResult> {
  const clients = Array.from({ length: Math.max(1, workers) }, () => new WorkerClient<ClusterKeywordsMethods>(new URL('./cluster-keywords-worker.js', import.meta.url), null));
  try {
    const languages = await clients[0].call('languages', { outDir, clusters: o.clusters, language: o.language ?? 'auto' });
    const parts = listParts(path.join(outDir, LABELS.path)).map((_, p) => p);
    const shares = await Promise.all(
      clients.map((client, w) => client.call('count', { outDir, share: { clusters: o.clusters, languages, bigrams: o.bigrams, maxPairs: o.maxPairs, parts: parts.filter((p) => p % clients.length === w) } })),
    );
    return keywordsFrom(outDir, o, languages, shares);
  } catch (e) {
    await Promise.all(clients.map((c) => c.terminate()));
    throw e;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
