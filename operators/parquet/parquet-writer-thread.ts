/**
 * Encodes and writes Parquet files on a worker thread, so the thread that parses input
 * keeps going while parquet-wasm encodes and the file is fsynced. At most `depth` writes
 * are queued: a caller that gets ahead waits (backpressure).
 */
import type { ParquetWriterMethods, WriteJob } from './parquet-writer-worker.js';
import { WorkerClient } from '../workers/worker-rpc.js';

export class ParquetWriterThread {
  private readonly client = new WorkerClient<ParquetWriterMethods>(new URL('./parquet-writer-worker.js', import.meta.url), null);
  private readonly inFlight: Promise<void>[] = [];

  constructor(private readonly depth = 2) {}

  /**
   * Queues a write. Resolves once the queue has room; the returned `durable` promise
   * resolves when this file is written and fsynced.
   */
  async write(job: WriteJob, transfer: ArrayBuffer[] = []): Promise<{ durable: Promise<void> }> {
    while (this.inFlight.length >= this.depth) await this.inFlight.shift();
    const durable = this.client.call('write', job, transfer);
    durable.catch(() => {});
    this.inFlight.push(durable);
    return { durable };
  }

  /** Waits until every queued write is durable, then stops the thread. */
  async close(): Promise<void> {
    try {
      while (this.inFlight.length > 0) await this.inFlight.shift();
    } finally {
      await this.client.close();
    }
  }

  /** Stops the thread once queued writes are done, ignoring their errors (the stage failed). */
  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    await this.client.terminate();
  }
}
