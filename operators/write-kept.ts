/**
 * The deduplicated records: the original record of every id that dedup/ kept, once per id
 * (its first row by file and line), in input order, as JSONL. DuckDB joins rows/ with
 * dedup/ and streams the result chunk by chunk into an atomic file, so memory does not grow
 * with the rows and a failure leaves no short file behind.
 */
import { DEDUP, ROWS } from '../schemas/tables.js';
import { withRunDatabase } from './duckdb-views.js';
import { AtomicFileWriter } from './write-file-atomic.js';

export async function writeKeptRecords(outDir: string, file: string): Promise<number> {
  return withRunDatabase(outDir, async (conn, views) => {
    if (!views.includes(DEDUP.name)) throw new Error(`${outDir} has no ${DEDUP.path}/: run semclust dedup ${outDir} first`);
    const r = ROWS.col;
    const result = await conn.stream(
      `SELECT ${r.record} FROM ${ROWS.name} SEMI JOIN (SELECT ${DEDUP.col.id} FROM ${DEDUP.name} WHERE ${DEDUP.col.kept}) USING (${r.id})
       QUALIFY row_number() OVER (PARTITION BY ${r.id} ORDER BY ${r.source}, ${r.line}) = 1
       ORDER BY ${r.source}, ${r.line}`,
    );
    const out = new AtomicFileWriter(file);
    let written = 0;
    try {
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
        const records = chunk.getColumns()[0] as string[];
        out.write(records.join('\n') + '\n');
        written += records.length;
      }
      out.commit();
    } catch (e) {
      out.abort();
      throw e;
    }
    return written;
  });
}
