/** Worker side of ParquetWriterThread: one atomic Parquet write per request. */
import { TABLES, type TableLayout } from '../../schemas/tables.js';
import { writeParquet } from './parquet.js';
import { serveWorker } from '../workers/worker-rpc.js';

export interface WriteJob {
  file: string;
  table: (typeof TABLES)[number]['name'];
  data: Record<string, unknown>;
  length: number;
}

export type ParquetWriterMethods = ReturnType<typeof methods>;

function methods() {
  return {
    write: (job: WriteJob) => {
      const layout = TABLES.find((t) => t.name === job.table);
      if (!layout) throw new Error(`unknown table ${job.table}`);
      writeParquet(job.file, layout as TableLayout, job.data as never, job.length);
    },
  };
}

await serveWorker(async () => ({ state: null }), methods);
