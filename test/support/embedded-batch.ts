/** EmbeddedBatch values for the embed sink and resume tests: row i has text `t<i>`, id idOf(i) and vector [i, 1]. */
import type { EmbeddedBatch } from '../../operators/embed/embed.js';
import type { Reject } from '../../operators/input/reject.js';

export const DIMS = 2;

/** Row i's id: 32 hex digits, as row ids are (core/util/id-set.ts reads them as such). */
export const idOf = (i: number) => i.toString(16).padStart(32, '0');

/** Rows `from`..`to`-1 (each embedded unless listed in `repeats`) and rejects at the given lines. */
export function embeddedBatch(from: number, to: number, options: { repeats?: number[]; rejectLines?: number[]; endsUnit?: boolean } = {}): EmbeddedBatch {
  const rows = Array.from({ length: to - from }, (_, k) => from + k);
  const embedded = rows.filter((i) => !options.repeats?.includes(i));
  const rejects: Reject[] = (options.rejectLines ?? []).map((line) => ({ source: 'in.jsonl', line, reason: 'invalid_json', detail: `bad line ${line}` }));
  return {
    ids: rows.map(idOf),
    texts: rows.map((i) => `t${i}`),
    records: rows.map((i) => JSON.stringify({ text: `t${i}` })),
    sources: rows.map(() => 'in.jsonl'),
    lines: rows.map((i) => i + 1),
    rejects,
    linesRead: rows.length + rejects.length,
    bytesRead: 0,
    end: { source: 0, line: to, byte: 0, digestState: null },
    digests: [],
    embeddedIds: embedded.map(idOf),
    vectors: Float32Array.from(embedded.flatMap((i) => [i, 1])),
    ...(options.endsUnit ? { endsUnit: true } : {}),
  };
}
