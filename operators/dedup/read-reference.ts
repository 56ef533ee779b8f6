/**
 * The rows of `--against` reference sets, in the order given: a semclust run folder's rows/
 * (its ids and texts as that run extracted them), or JSONL/Parquet/CSV files read by the same
 * readers and text extraction as embed (readLines → extractTexts, this run's key path, line
 * limit and CSV delimiter), so a reference row's id is the id the same text has in OUTDIR.
 * References are only read: a run folder through DuckDB views over its Parquet parts, files
 * as a stream. A reference line the extraction rejects is counted, not fatal, unless a
 * reference yields no row at all (a wrong --text-key, most likely).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SemclustError } from '../../core/util/semclust-error.js';
import { ROWS } from '../../schemas/tables.js';
import { openRunDatabase } from '../duckdb/duckdb-views.js';
import { extractTexts, type ExtractOptions } from '../input/extract-text.js';
import { readLines, resolveInputs } from '../input/read-lines.js';

export interface ReferenceBatch {
  ids: string[];
  texts: string[];
  /** Where each row is: file:line, or "OUTDIR: file:line" for a run folder's row. */
  where: string[];
}

export interface ReferenceOptions {
  /** The run's own text extraction (key path, and whatever else embed extracts with). */
  extract: ExtractOptions;
  maxLineBytes: number;
  csvDelimiter?: string;
  /** Each reference line the extraction rejected. */
  onReject?: (source: string, line: number, reason: string) => void;
}

/** A semclust run folder: it has rows/ (a data folder passed as a reference is read as files). */
export function isRunFolder(ref: string): boolean {
  return fs.existsSync(path.join(ref, ROWS.path)) && fs.existsSync(path.join(ref, 'manifest.json'));
}

/** Every reference exists (a glob is left to the reader): checked before a stage removes its old outputs. */
export function checkReferences(refs: readonly string[]): void {
  for (const ref of refs) {
    if (!fs.existsSync(ref) && !/[*?[{]/.test(ref)) throw new SemclustError(`--against ${ref}: no such file or folder; pass a semclust OUTDIR or JSONL/Parquet/CSV files`);
  }
}

/** The reference rows, a batch at a time (checkReferences first). */
export async function* readReference(refs: readonly string[], o: ReferenceOptions): AsyncGenerator<ReferenceBatch> {
  checkReferences(refs);
  for (const ref of refs) {
    let rows = 0;
    let firstReject = '';
    if (isRunFolder(ref)) {
      // Not withRunDatabase: a generator yields from its own body, not from a callback.
      const db = await openRunDatabase(ref);
      try {
        const r = ROWS.col;
        const result = await db.connection.stream(`SELECT ${r.id}, ${r.text}, ${r.source}, ${r.line} FROM ${ROWS.name}`);
        for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          const [idv, textv, sourcev, linev] = [0, 1, 2, 3].map((c) => chunk.getColumnVector(c));
          const b: ReferenceBatch = { ids: [], texts: [], where: [] };
          for (let k = 0; k < chunk.rowCount; k++) {
            b.ids.push(idv.getItem(k) as string);
            b.texts.push(textv.getItem(k) as string);
            b.where.push(`${ref}: ${sourcev.getItem(k) as string}:${Number(linev.getItem(k))}`);
          }
          rows += b.ids.length;
          yield b;
        }
      } finally {
        db.close();
      }
    } else {
      const files = await resolveInputs([ref]).catch((e: Error) => {
        throw new SemclustError(`--against ${ref}: ${e.message}`);
      });
      const extract = extractTexts(o.extract);
      for await (const batch of extract(readLines(files, { maxLineBytes: o.maxLineBytes, csvDelimiter: o.csvDelimiter }))) {
        for (const r of batch.rejects) {
          firstReject ||= `${r.source}:${r.line}: ${r.reason} (${r.detail})`;
          o.onReject?.(r.source, r.line, r.reason);
        }
        rows += batch.ids.length;
        yield { ids: batch.ids, texts: batch.texts, where: batch.sources.map((s, i) => `${s}:${batch.lines[i]}`) };
      }
    }
    if (rows === 0) {
      throw new SemclustError(`--against ${ref}: no reference row read${firstReject ? `; the first line was rejected: ${firstReject}` : ''}; check --text-key / --message-key, which references are read with`);
    }
  }
}
