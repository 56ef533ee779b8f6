/**
 * The extract operator: each JSON line becomes a row (id, text, original record, source,
 * line) or a reject with the reason. The text is taken at a key path and, when it is a
 * Llama-3 chat prompt, reduced to its user turn.
 */
import { getAtPath, parseKeyPath } from '../core/key-path.js';
import { userMessageOf } from '../core/llama3-prompt.js';
import { createRowIdHasher } from '../core/row-id.js';
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
}

export interface ExtractOptions {
  /** Key path such as `text` or `request.messages[0].content`. */
  keyPath: string;
}

export function extractTexts(options: ExtractOptions) {
  const path = parseKeyPath(options.keyPath);
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
      };
      for (let i = 0; i < batch.lines.length; i++) {
        const line = batch.lines[i];
        const where = { source: batch.sources[i], line: batch.lineNumbers[i] };
        let record: unknown;
        try {
          record = JSON.parse(line);
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
        out.ids.push(idOf(text));
        out.texts.push(text);
        out.records.push(line);
        out.sources.push(where.source);
        out.lines.push(where.line);
      }
      yield out;
    }
  };
}
