/**
 * Parquet, CSV and TSV inputs as JSON records, streamed through DuckDB: each row becomes
 * the JSON text of its row struct (`to_json(t)`), so the JSONL path after it — key paths
 * into struct and list columns, the Llama-3 rule, ids, rejects, the record kept as JSON —
 * works unchanged. Rows are numbered from 1 in file order (DuckDB keeps insertion order);
 * a resume skips the rows already done. Memory holds DuckDB's streaming buffer and one
 * chunk (2,048 rows), never the file.
 */
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../duckdb/sql-string.js';

export type TableFormat = 'parquet' | 'csv' | 'tsv';

/** Parquet by `.parquet`; CSV / TSV by `.csv` / `.tsv`, gzip-compressed as `.csv.gz` / `.tsv.gz`. Anything else is JSONL. */
export function tableFormat(file: string): TableFormat | null {
  const name = file.toLowerCase();
  if (name.endsWith('.parquet')) return 'parquet';
  if (/\.csv(\.gz)?$/.test(name)) return 'csv';
  if (/\.tsv(\.gz)?$/.test(name)) return 'tsv';
  return null;
}


/**
 * The field delimiter of a CSV/TSV file: the `csv_delimiter` setting (one character, or the
 * two characters `\t` for a tab, as typed in a shell or YAML), else by extension.
 */
export function delimiterOf(format: 'csv' | 'tsv', setting?: string): string {
  if (setting === '\\t') return '\t';
  return setting ?? (format === 'csv' ? ',' : '\t');
}


/**
 * The table function that reads `file`. CSV fields are all read as text (`all_varchar`):
 * DuckDB guesses column types from a sample and stops with a conversion error when a later
 * row does not fit the guess, and a guessed number would turn the text "007" into 7. An
 * empty field is null, a quoted empty field ("") an empty string, as in JSON. `skip` and
 * `comment` are fixed because DuckDB's sniffer otherwise guesses them, and its guesses drop
 * rows silently (measured: one ragged last row made it skip every row before it; lines
 * starting with "#" vanished as comments).
 */
function tableSource(file: string, format: TableFormat, delim: string): string {
  if (format === 'parquet') return `read_parquet(${sqlString(file)})`;
  return `read_csv(${sqlString(file)}, header = true, delim = ${sqlString(delim)}, quote = '"', escape = '"', all_varchar = true, allow_quoted_nulls = false, skip = 0, comment = '')`;
}

export interface TableChunk {
  /** The JSON text of each row, in file order. */
  records: string[];
  /** Share of the file's rows read so far; null when the total is unknown (CSV). */
  fraction: number | null;
}

/** How many bytes of a plain CSV/TSV the diagnosis reads at most (the error path only). */
const DIAGNOSE_BYTES = 64 << 20;

/**
 * Field counts of a CSV/TSV text row by row (RFC 4180 quoting: a quoted field may hold the
 * delimiter, doubled quotes and line breaks), for naming the row DuckDB refused. Returns the
 * first row (1 = the first after the header) whose count differs from the header's.
 */
export function firstRaggedRow(text: string, delim: string): { row: number; fields: number; header: number } | null {
  let fields = 1;
  let header = -1;
  let row = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === delim) fields++;
    else if (c === '\n' || i === text.length - 1) {
      const blank = fields === 1 && (i === 0 || text[i - 1] === '\n');
      if (!blank) {
        if (header < 0) header = fields;
        else if (fields !== header) return { row, fields, header };
        row++;
      }
      fields = 1;
    }
  }
  return null;
}

/** The start of a plain CSV/TSV file, as text (null for .gz, which is not read again here). */
function head(file: string, bytes: number): string | null {
  if (file.endsWith('.gz')) return null;
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(fs.fstatSync(fd).size, bytes));
    return buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A header that is one field holding another common delimiter (`prompt;id` in a .csv): every
 * row would be one text field. Names the flag that reads the file as it is.
 */
export function headerProblem(text: string, delim: string): string | null {
  const header = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  const other = [';', '\t', '|', ','].find((d) => d !== delim && !header.includes(delim) && header.includes(d));
  if (!other) return null;
  return `its header has one field and holds ${JSON.stringify(other)}, the delimiter in use being ${JSON.stringify(delim)}: pass --csv-delimiter '${other === '\t' ? '\\t' : other}' (csv_delimiter in YAML) to read it as ${JSON.stringify(other)}-separated`;
}

/** What is wrong with a CSV/TSV DuckDB refused, in the file's own terms: its header, or the first row whose field count differs. */
function diagnoseDelimited(file: string, delim: string): string | null {
  const text = head(file, DIAGNOSE_BYTES);
  if (text === null) return null;
  const ragged = firstRaggedRow(text, delim);
  return headerProblem(text, delim) ?? (ragged && `row ${ragged.row} (line ${ragged.row + 1} when no field spans lines) has ${ragged.fields} fields, the header ${ragged.header}: quote the field that holds the delimiter ("a${delim} b"), or fix or remove that row`);
}

/**
 * DuckDB's message says what failed but not which input, nor which row, and its "possible
 * fixes" name read_csv options semclust does not have: its first line only, with the file,
 * the row when the diagnosis finds it, and that finished parts are kept.
 */
function unreadable(file: string, format: TableFormat, delim: string, e: unknown): Error {
  let found: string | null = null;
  try {
    if (format !== 'parquet') found = diagnoseDelimited(file, delim);
  } catch {
    // The diagnosis is best effort: DuckDB's own line stands alone.
  }
  const duck = ((e as Error).message.split('\n')[0] ?? '').trim();
  return new Error(
    `${file}: cannot be read as ${format}: ${found ?? duck}. ` +
      'Rows before it in finished parts are kept and a rerun resumes after them' +
      (found ? '.' : `; check the file (${format === 'parquet' ? 'a whole Parquet file' : 'a header row, the same number of fields on every row, UTF-8'}), or leave it out of the input.`),
    { cause: e },
  );
}

/** A CSV/TSV whose header is one field holding another delimiter: every row would be one text field, so it is refused before reading. */
function requireDelimiter(file: string, format: TableFormat, delim: string): void {
  if (format === 'parquet') return;
  const text = head(file, 64 << 10);
  const problem = text === null ? null : headerProblem(text, delim);
  if (problem) throw new Error(`${file}: cannot be read as ${format}: ${problem}.`);
}

/**
 * The rows of one Parquet / CSV / TSV file after the first `skipRows`, as JSON records;
 * `csvDelimiter` is the csv_delimiter setting (CSV/TSV only).
 */
export async function* readTableRecords(file: string, skipRows = 0, csvDelimiter?: string): AsyncGenerator<TableChunk> {
  const format = tableFormat(file);
  if (!format) throw new Error(`${file}: not a Parquet, CSV or TSV file name`);
  const delim = format === 'parquet' ? '' : delimiterOf(format, csvDelimiter);
  if (skipRows === 0) requireDelimiter(file, format, delim);
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
      result = await connection.stream(`SELECT to_json(t)::VARCHAR FROM ${tableSource(file, format, delim)} t${offset}`);
    } catch (e) {
      throw unreadable(file, format, delim, e);
    }
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw unreadable(file, format, delim, e);
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
