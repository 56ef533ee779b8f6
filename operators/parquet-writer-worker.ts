/** Worker side of ParquetWriterThread: one atomic Parquet write per message. */
import { parentPort } from 'node:worker_threads';
import { TABLES, type TableLayout } from '../schemas/tables.js';
import { writeParquet } from './parquet.js';
import type { WriteJob } from './parquet-writer-thread.js';

const port = parentPort!;
port.on('message', (job: WriteJob) => {
  try {
    const layout = TABLES.find((t) => t.name === job.table);
    if (!layout) throw new Error(`unknown table ${job.table}`);
    writeParquet(job.file, layout as TableLayout, job.data as never, job.length);
    port.postMessage({ id: job.id });
  } catch (e) {
    port.postMessage({ id: job.id, error: (e as Error).message });
  }
});
