/**
 * The extract operator: each JSON line becomes a row (id, text, original record, source,
 * line) or a reject with the reason. The text is taken at a key path and, when it is a
 * Llama-3 chat prompt, reduced to its user turn.
 */
import { getAtPath, parseKeyPath } from '../../core/text/key-path.js';
import { userMessageOf } from '../../core/text/llama3-prompt.js';
import { parseNonFiniteJson } from '../../core/util/non-finite-json.js';
import { toUnitVector } from '../../core/embedding/unit-vector.js';
import { createRowIdHasher } from '../../core/text/row-id.js';
import type { InputPosition, LineBatch } from './read-lines.js';
import type { Reject } from './reject.js';

export interface RowBatch {
  ids: string[];
  texts: string[];
  records: string[];
  sources: string[];
  lines: number[];
  rejects: Reject[];
  /** Input lines this batch accounts for: rows plus rejects. */
  linesRead: number;
  bytesRead: number;
  /** Where reading stands after this batch, and the digests of finished inputs (see read-lines.ts). */
  end: InputPosition;
  digests: (string | null)[];
  /** Passed on from LineBatch: the part ends with this batch. */
  endsUnit?: boolean;
  /** With `vectors`: each row's precomputed unit vector, row-aligned (rows × dims). */
  vectors?: Float32Array;
}

export interface ExtractOptions {
  /** Key path such as `text` or `request.messages[0].content`. */
  keyPath: string;
  /** Precomputed vectors (`--embedding-column`): their key path and the run's dimension. */
  vectors?: { keyPath: string; dims: number };
}

/** JSON.parse, falling back to bare NaN / ±Infinity (Python's json.dumps, DuckDB's to_json): the record is then kept with them as null. */
export function parseRecord(line: string): { record: unknown; line: string } {
  try {
    return { record: JSON.parse(line), line };
  } catch (e) {
    try {
      const { value, text } = parseNonFiniteJson(line);
      return { record: value, line: text };
    } catch {
      throw e;
    }
  }
}

export function extractTexts(options: ExtractOptions) {
  const path = parseKeyPath(options.keyPath);
  const vec = options.vectors ? { ...options.vectors, path: parseKeyPath(options.vectors.keyPath) } : null;
  return async function* extract(batches: AsyncIterable<LineBatch>): AsyncGenerator<RowBatch> {
    const idOf = await createRowIdHasher();
    for await (const batch of batches) {
      const out: RowBatch = {
        ids: [],
        texts: [],
        records: [],
        sources: [],
        lines: [],
        rejects: batch.rejects,
        linesRead: batch.lines.length + batch.rejects.length,
        bytesRead: batch.bytesRead,
        end: batch.end,
        digests: batch.digests,
        endsUnit: batch.endsUnit,
      };
      const vectors: Float32Array[] = [];
      for (let i = 0; i < batch.lines.length; i++) {
        const where = { source: batch.sources[i], line: batch.lineNumbers[i] };
        let record: unknown;
        let line: string;
        try {
          ({ record, line } = parseRecord(batch.lines[i]));
        } catch (e) {
          out.rejects.push({ ...where, reason: 'invalid_json', detail: (e as Error).message });
          continue;
        }
        const value = getAtPath(record, path);
        if (value === undefined) {
          out.rejects.push({ ...where, reason: 'missing_key', detail: `no value at "${options.keyPath}"` });
          continue;
        }
        if (typeof value !== 'string') {
          out.rejects.push({ ...where, reason: 'not_a_string', detail: `"${options.keyPath}" is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}` });
          continue;
        }
        const text = userMessageOf(value);
        if (text.trim() === '') {
          out.rejects.push({ ...where, reason: 'empty_text', detail: `"${options.keyPath}" is empty` });
          continue;
        }
        if (vec) {
          const checked = toUnitVector(getAtPath(record, vec.path), vec.dims, vec.keyPath);
          if ('problem' in checked) {
            out.rejects.push({ ...where, reason: checked.problem, detail: checked.detail });
            continue;
          }
          vectors.push(checked.vector);
        }
        out.ids.push(idOf(text));
        out.texts.push(text);
        out.records.push(line);
        out.sources.push(where.source);
        out.lines.push(where.line);
      }
      if (vec) {
        const flat = new Float32Array(vectors.length * vec.dims);
        vectors.forEach((v, i) => flat.set(v, i * vec.dims));
        out.vectors = flat;
      }
      yield out;
    }
  };
}
