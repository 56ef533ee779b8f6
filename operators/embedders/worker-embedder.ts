/**
 * Runs a local embedder (static model, ONNX folder) in a worker thread behind the same
 * Embedder interface. The caller keeps a couple of batches in flight, so input parsing
 * and Parquet writing on the main thread overlap with model work.
 */
import { WorkerClient } from '../workers/worker-rpc.js';
import type { Embedder } from './embedder.js';
import type { EmbedderMethods } from './embedder-worker.js';
import type { EmbedderSettings, OpenEmbedderOptions } from './open-embedder.js';

export async function openEmbedderInWorker(settings: EmbedderSettings, options: OpenEmbedderOptions = {}): Promise<Embedder> {
  const client = new WorkerClient<EmbedderMethods>(new URL('./embedder-worker.js', import.meta.url), { settings }, (e) =>
    options.onProgress?.(e as { phase: string; done: number; total: number }),
  );
  let info: { model: string; dims: number; revision?: string };
  try {
    info = (await client.ready) as typeof info;
  } catch (e) {
    await client.terminate();
    throw e;
  }
  return {
    model: info.model,
    dims: info.dims,
    revision: info.revision,
    embed: (texts) => client.call('embed', texts),
    close: () => client.close(),
  };
}
