/**
 * Worker-thread side of `openEmbedderInWorker`: opens a local embedder and answers
 * embed requests, so tokenising and onnxruntime's blocking run stay off the thread that
 * parses input and writes Parquet.
 */
import { Transfer, serveWorker } from '../workers/worker-rpc.js';
import type { Embedder } from './embedder.js';
import { openEmbedder, type EmbedderSettings } from './open-embedder.js';

export type EmbedderMethods = ReturnType<typeof methods>;

function methods(embedder: Embedder) {
  return {
    embed: async (texts: readonly string[]) => {
      const v = await embedder.embed(texts);
      // Only a buffer the vectors own entirely can be transferred without copying.
      const own = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : v.slice();
      return new Transfer(own, [own.buffer as ArrayBuffer]);
    },
    close: () => embedder.close(),
  };
}

await serveWorker(async (data, server) => {
  const embedder = await openEmbedder((data as { settings: EmbedderSettings }).settings, { onProgress: (e) => server.emit(e) });
  return { state: embedder, info: { model: embedder.model, dims: embedder.dims, revision: embedder.revision } };
}, methods);
