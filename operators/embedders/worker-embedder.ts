/**
 * Runs a local embedder (static model, ONNX folder) in a worker thread behind the same
 * Embedder interface. The caller keeps a couple of batches in flight, so input parsing
 * and Parquet writing on the main thread overlap with model work.
 */
import { Worker } from 'node:worker_threads';
import type { Embedder } from './embedder.js';
import type { EmbedderSettings, OpenEmbedderOptions } from './open-embedder.js';

export type WorkerRequest = { type: 'embed'; id: number; texts: readonly string[] } | { type: 'close' };
export type WorkerReply =
  | { type: 'ready'; model: string; dims: number; revision?: string }
  | { type: 'progress'; progress: { phase: string; done: number; total: number } }
  | { type: 'result'; id: number; vectors: Float32Array }
  | { type: 'error'; id: number; message: string };

export function openEmbedderInWorker(settings: EmbedderSettings, options: OpenEmbedderOptions = {}): Promise<Embedder> {
  const worker = new Worker(new URL('./embedder-worker.js', import.meta.url), { workerData: { settings } });
  const pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;

  return new Promise<Embedder>((resolveOpen, rejectOpen) => {
    const failAll = (e: Error) => {
      failure = e;
      rejectOpen(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`embedding worker exited with code ${code}`));
    });
    worker.on('message', (m: WorkerReply) => {
      switch (m.type) {
        case 'progress':
          options.onProgress?.(m.progress);
          return;
        case 'error':
          if (m.id < 0) return failAll(new Error(m.message));
          pending.get(m.id)?.reject(new Error(m.message));
          pending.delete(m.id);
          return;
        case 'result':
          pending.get(m.id)?.resolve(m.vectors);
          pending.delete(m.id);
          return;
        case 'ready':
          resolveOpen({
            model: m.model,
            dims: m.dims,
            revision: m.revision,
            embed: (texts) =>
              new Promise<Float32Array>((resolve, reject) => {
                if (failure) return reject(failure);
                const id = nextId++;
                pending.set(id, { resolve, reject });
                worker.postMessage({ type: 'embed', id, texts } satisfies WorkerRequest);
              }),
            close: async () => {
              const exited = new Promise((r) => worker.once('exit', r));
              worker.postMessage({ type: 'close' } satisfies WorkerRequest);
              await exited;
            },
          });
      }
    });
  });
}
