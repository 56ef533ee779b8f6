/**
 * Encodes and writes Parquet files on a worker thread, so the thread that parses input
 * keeps going while parquet-wasm encodes and the file is fsynced. At most `depth` writes
 * are queued: a caller that gets ahead waits (backpressure).
 */
import { Worker } from 'node:worker_threads';
import type { TABLES } from '../schemas/tables.js';

type TableName = (typeof TABLES)[number]['name'];

export interface WriteJob {
  id: number;
  file: string;
  table: TableName;
  data: Record<string, unknown>;
  length: number;
}

export class ParquetWriterThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly inFlight: Promise<void>[] = [];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(private readonly depth = 2) {
    this.worker = new Worker(new URL('./parquet-writer-worker.js', import.meta.url));
    this.worker.on('message', (m: { id: number; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve();
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`Parquet writer thread exited with code ${code}`));
    });
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Queues a write; resolves once the queue has room (not when the file is written). */
  async write(file: string, table: TableName, data: Record<string, unknown>, length: number, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inFlight.length >= this.depth) await this.inFlight.shift();
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    done.catch(() => {});
    this.inFlight.push(done);
    this.worker.postMessage({ id, file, table, data, length } satisfies WriteJob, transfer);
  }

  /** Waits until every queued write is durable, then stops the thread. */
  async close(): Promise<void> {
    try {
      while (this.inFlight.length > 0) await this.inFlight.shift();
    } finally {
      await this.worker.terminate();
    }
  }
}
