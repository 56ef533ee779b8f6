/**
 * One infer worker: loads the fitted model once, then labels whole embedding parts on
 * request (see label-part.ts), so only small summaries cross threads.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { labelPart, type InferJob } from './label-part.js';
import { loadFitted, openLabeler } from './fitted-model.js';

const { outDir, threads } = workerData as { outDir: string; threads: number };
const port = parentPort!;
const labeler = await openLabeler(loadFitted(outDir), threads);

port.on('message', async (job: InferJob | null) => {
  if (job === null) {
    await labeler.close();
    port.close();
    return;
  }
  try {
    port.postMessage(await labelPart(outDir, job, labeler));
  } catch (e) {
    port.postMessage({ part: job.part, error: (e as Error).message });
  }
});
port.postMessage({ ready: true });
