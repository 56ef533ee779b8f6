/** Worker side of clusterKeywordsThread: one clusterKeywords call per request, over the run folder it reads itself. */
import { serveWorker } from '../workers/worker-rpc.js';
import { clusterKeywords, type KeywordOptions } from './cluster-keywords.js';

export type ClusterKeywordsMethods = ReturnType<typeof methods>;

function methods() {
  return { keywords: (job: { outDir: string; options: KeywordOptions }) => clusterKeywords(job.outDir, job.options) };
}

await serveWorker(async () => ({ state: null }), methods);
