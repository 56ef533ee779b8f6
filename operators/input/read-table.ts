/**
 * Parquet, CSV and TSV inputs as JSON records, streamed through DuckDB: each row becomes
 * the JSON text of its row struct (`to_json(t)`), so the JSONL path after it — key paths
 * into struct and list columns, the Llama-3 rule, ids, rejects, the record kept as JSON —
 * works unchanged. Rows are numbered from 1 in file order (DuckDB keeps insertion order);
 * a resume skips the rows already done. Memory holds DuckDB's streaming buffer and one
 * chunk (2,048 rows), never the file.
 */
import { DuckDBInstance } from '@duckdb/node-api';

export type TableFormat = 'parquet' | 'csv' | 'tsv';

/** Parquet by `.parquet`; CSV / TSV by `.csv` / `.tsv`, gzip-compressed as `.csv.gz` / `.tsv.gz`. Anything else is JSONL. */
export function tableFormat(file: string): TableFormat | null {
  const name = file.toLowerCase();
  if (name.endsWith('.parquet')) return 'parquet';
  if (/\.csv(\.gz)?$/.test(name)) return 'csv';
  if (/\.tsv(\.gz)?$/.test(name)) return 'tsv';
  return null;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The table function that reads `file`. CSV fields are all read as text (`all_varchar`):
 * DuckDB guesses column types from a sample and stops with a conversion error when a later
 * row does not fit the guess, and a guessed number would turn the text "007" into 7. An
 * empty field is null, a quoted empty field ("") an empty string, as in JSON. `skip` and
 * `comment` are fixed because DuckDB's sniffer otherwise guesses them, and its guesses drop
 * rows silently (measured: one ragged last row made it skip every row before it; lines
 * starting with "#" vanished as comments).
 */
function tableSource(file: string, format: TableFormat): string {
  if (format === 'parquet') return `read_parquet(${sqlString(file)})`;
  const delim = format === 'csv' ? ',' : '\t';
  return `read_csv(${sqlString(file)}, header = true, delim = '${delim}', quote = '"', escape = '"', all_varchar = true, allow_quoted_nulls = false, skip = 0, comment = '')`;
}

export interface TableChunk {
  /** The JSON text of each row, in file order. */
  records: string[];
  /** Share of the file's rows read so far; null when the total is unknown (CSV). */
  fraction: number | null;
}

/** DuckDB's message says what failed but not which input, nor that finished parts are kept. */
function unreadable(file: string, e: unknown): Error {
  return new Error(
    `${file}: DuckDB could not read it as ${tableFormat(file)} (${(e as Error).message}). ` +
      'Rows before it in finished parts are kept and a rerun resumes after them; check the file (for CSV/TSV: a header row, the same number of fields on every row, UTF-8), or leave it out of the input.',
    { cause: e },
  );
}

/** The rows of one Parquet / CSV / TSV file after the first `skipRows`, as JSON records. */
export async function* readTableRecords(file: string, skipRows = 0): AsyncGenerator<TableChunk> {
  const format = tableFormat(file);
  if (!format) throw new Error(`${file}: not a Parquet, CSV or TSV file name`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    let total: number | null = null;
    let done = skipRows;
    let result;
    try {
      if (format === 'parquet') {
        const meta = await connection.runAndReadAll(`SELECT sum(num_rows)::DOUBLE FROM parquet_file_metadata(${sqlString(file)})`);
        total = Number(meta.getRows()[0][0]);
      }
      const offset = skipRows > 0 ? ` OFFSET ${skipRows}` : '';
      result = await connection.stream(`SELECT to_json(t)::VARCHAR FROM ${tableSource(file, format)} t${offset}`);
    } catch (e) {
      throw unreadable(file, e);
    }
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw unreadable(file, e);
      }
      if (!chunk || chunk.rowCount === 0) return;
      const records = chunk.getColumnValues(0) as string[];
      done += records.length;
      yield { records, fraction: total ? done / total : null };
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
