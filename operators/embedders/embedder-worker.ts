/**
 * Worker-thread side of `openEmbedderInWorker`: opens a local embedder and answers
 * embed requests, so tokenising and onnxruntime's blocking run stay off the thread that
 * parses input and writes Parquet.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openEmbedder, type EmbedderSettings } from './open-embedder.js';
import type { WorkerReply, WorkerRequest } from './worker-embedder.js';

const port = parentPort!;
const post = (m: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

try {
  const embedder = await openEmbedder(workerData.settings as EmbedderSettings, { onProgress: (e) => post({ type: 'progress', progress: e }) });
  post({ type: 'ready', model: embedder.model, dims: embedder.dims, revision: embedder.revision });
  port.on('message', async (m: WorkerRequest) => {
    if (m.type === 'close') {
      await embedder.close();
      port.close();
      return;
    }
    try {
      const v = await embedder.embed(m.texts);
      // Only a buffer the vectors own entirely can be transferred without copying.
      const own = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : v.slice();
      post({ type: 'result', id: m.id, vectors: own }, [own.buffer as ArrayBuffer]);
    } catch (e) {
      post({ type: 'error', id: m.id, message: (e as Error).message });
    }
  });
} catch (e) {
  post({ type: 'error', id: -1, message: (e as Error).message });
}
