/**
 * The extract operator: each JSON line becomes a row (id, text, original record, source,
 * line, the record's own id) or a reject with the reason. The text is one of: the string at a
 * key path (a Llama-3 chat prompt reduced to its user turn), the chosen turns of a chat turn
 * list (core/text/chat-turns.ts), or a template over several key paths
 * (core/text/text-template.ts).
 */
import { getAtPath, parseKeyPath, type KeyPath } from '../../core/text/key-path.js';
import { userMessageOf } from '../../core/text/llama3-prompt.js';
import { chatText, canonicalRole, type ChatFormat, type TurnChoice } from '../../core/text/chat-turns.js';
import { fillTemplate, parseTextTemplate } from '../../core/text/text-template.js';
import { SemclustError } from '../../core/util/semclust-error.js';
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
  /** Each row's own id at `idKeyPath` as a string, null where the record has none or no idKeyPath is given; batches made elsewhere may leave it out. */
  userIds?: (string | null)[];
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
  /** Key path such as `text` or `request.messages[0].content`; with `chat`, the turn list's. */
  keyPath: string;
  /** Read the value at keyPath as a chat turn list and keep these turns (roles: --roles, the first one required). */
  chat?: { format: ChatFormat; roles: readonly string[]; turns: TurnChoice };
  /** A text template over key paths (`{title}\n\n{body}`), instead of keyPath. */
  template?: string;
  /** Key path of the record's own id (--id-key): a string or an integer, kept beside the text id. */
  idKeyPath?: string;
  /** --id-unique: a record without an id stops the run (repeated ids are refused once the rows are written: operators/input/user-ids.ts). */
  idRequired?: boolean;
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

/** The record's own id: a string, or an integer written as JSON writes it; anything else is none. */
function userIdOf(record: unknown, path: KeyPath): string | null {
  const v = getAtPath(record, path);
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}

export function extractTexts(options: ExtractOptions) {
  const path = parseKeyPath(options.keyPath);
  const template = options.template === undefined ? null : parseTextTemplate(options.template);
  const chat = options.chat ? { ...options.chat, roles: [...new Set(options.chat.roles.map(canonicalRole))] } : null;
  const idPath = options.idKeyPath === undefined ? null : parseKeyPath(options.idKeyPath);
  const vec = options.vectors ? { ...options.vectors, path: parseKeyPath(options.vectors.keyPath) } : null;
  type Extracted = { text: string } | { problem: Reject['reason']; detail: string };
  function textOf(record: unknown): Extracted {
    if (template) return fillTemplate(template, record);
    const value = getAtPath(record, path);
    if (value === undefined) return { problem: 'missing_key', detail: `no value at "${options.keyPath}"` };
    if (chat) return chatText(value, chat.format, chat.roles, chat.turns);
    if (typeof value !== 'string') return { problem: 'not_a_string', detail: `"${options.keyPath}" is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}` };
    return { text: userMessageOf(value) };
  }
  return async function* extract(batches: AsyncIterable<LineBatch>): AsyncGenerator<RowBatch> {
    const idOf = await createRowIdHasher();
    for await (const batch of batches) {
      const out: RowBatch = {
        ids: [],
        texts: [],
        records: [],
        sources: [],
        lines: [],
        userIds: [],
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
        const got = textOf(record);
        if ('problem' in got) {
          out.rejects.push({ ...where, reason: got.problem, detail: got.detail });
          continue;
        }
        const text = got.text;
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
        const userId = idPath ? userIdOf(record, idPath) : null;
        if (idPath && userId === null && options.idRequired) {
          throw new SemclustError(
            `${where.source}:${where.line}: the record has no id at "${options.idKeyPath}" (a string or an integer), and --id-unique requires one; ` +
              'fix the record, or leave --id-unique out to keep it with a null user_id (counted in the embed summary)',
          );
        }
        out.userIds!.push(userId);
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
