/**
 * One infer worker: loads the fitted model once, then labels whole embedding parts on
 * request (see label-part.ts), so only small summaries cross threads.
 */
import { serveWorker } from '../../operators/workers/worker-rpc.js';
import { labelPart, type InferJob } from './label-part.js';
import { loadFitted, openLabeler, type Labeler } from '../model/fitted-model.js';

await serveWorker(
  async (data) => {
    const { outDir, threads, assignNoise } = data as { outDir: string; threads: number; assignNoise: boolean };
    return { state: { outDir, labeler: await openLabeler(loadFitted(outDir), { threads, assignNoise }) } };
  },
  (s: { outDir: string; labeler: Labeler }) => ({
    label: (job: InferJob) => labelPart(s.outDir, job, s.labeler),
    close: () => s.labeler.close(),
  }),
);
