/**
 * clusterKeywords on a worker thread, so infer's describe tail can find each cluster's
 * representatives on the main thread meanwhile. Both only read the run folder, and the
 * worker returns what clusterKeywords returns (a few strings and scores per cluster).
 */
import type { ClusterKeywordsMethods } from './cluster-keywords-worker.js';
import type { KeywordOptions, KeywordResult } from './cluster-keywords.js';
import { WorkerClient } from '../workers/worker-rpc.js';

export async function clusterKeywordsThread(outDir: string, options: KeywordOptions): Promise<KeywordResult> {
  const client = new WorkerClient<ClusterKeywordsMethods>(new URL('./cluster-keywords-worker.js', import.meta.url), null);
  try {
    return await client.call('keywords', { outDir, options });
  } finally {
    await client.close();
  }
}
