/**
 * Streams the first column of a DuckDB query, one line per row, into an atomic file: chunk
 * by chunk, so memory does not grow with the rows, and a failure leaves no short file behind
 * (the previous version, if any, stays). Returns the lines written. For sample.jsonl and the
 * deduplicated records, whose query yields each original JSON record as text.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AtomicFileWriter } from '../store/write-file-atomic.js';

export async function writeQueryLines(conn: DuckDBConnection, sql: string, file: string): Promise<number> {
  const result = await conn.stream(sql);
  const out = new AtomicFileWriter(file);
  let written = 0;
  try {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const lines = chunk.getColumns()[0] as string[];
      out.write(lines.join('\n') + '\n');
      written += lines.length;
    }
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
  return written;
}
