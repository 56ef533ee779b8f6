/**
 * The deduplicated records: the original record of every id that dedup/ kept, once per id
 * (its first row by file and line), in input order, as JSONL. DuckDB joins rows/ with
 * dedup/ and streams the result into an atomic file (operators/duckdb/write-query-lines.ts).
 */
import { DEDUP, ROWS } from '../../schemas/tables.js';
import { withRunDatabase } from '../duckdb/duckdb-views.js';
import { writeQueryLines } from '../duckdb/write-query-lines.js';

export async function writeKeptRecords(outDir: string, file: string): Promise<number> {
  return withRunDatabase(outDir, async (conn, views) => {
    if (!views.includes(DEDUP.name)) throw new Error(`${outDir} has no ${DEDUP.path}/: run semclust dedup ${outDir} first`);
    const r = ROWS.col;
    return writeQueryLines(
      conn,
      `SELECT ${r.record} FROM ${ROWS.name} SEMI JOIN (SELECT ${DEDUP.col.id} FROM ${DEDUP.name} WHERE ${DEDUP.col.kept}) USING (${r.id})
       QUALIFY row_number() OVER (PARTITION BY ${r.id} ORDER BY ${r.source}, ${r.line}) = 1
       ORDER BY ${r.source}, ${r.line}`,
      file,
    );
  });
}
