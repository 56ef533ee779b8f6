/**
 * Key paths such as `request.messages[0].content`: dot-separated keys with optional
 * `[index]` suffixes. Parsed once, then applied to every record.
 */
export type KeyPath = readonly (string | number)[];

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

export function parseKeyPath(path: string): KeyPath {
  const out: (string | number)[] = [];
  let consumed = 0;
  for (const m of path.matchAll(SEGMENT)) {
    const gap = path.slice(consumed, m.index);
    if (gap !== '' && gap !== '.') throw new Error(`invalid key path "${path}" near "${gap}"`);
    out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
    consumed = m.index + m[0].length;
  }
  if (out.length === 0 || consumed !== path.length) {
    throw new Error(`invalid key path "${path}": use keys separated by dots and [n] for array items, e.g. request.messages[0].content`);
  }
  return out;
}

/** The value at `path`, or undefined when any step is missing. */
export function getAtPath(value: unknown, path: KeyPath): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[seg];
    } else {
      // Own keys only: `constructor` or `__proto__` must not reach Object.prototype.
      if (Array.isArray(v) || !Object.hasOwn(v, seg)) return undefined;
      v = (v as Record<string, unknown>)[seg];
    }
  }
  return v;
}

/**
 * The same path as a JSONPath for DuckDB's json_extract (`$."request"."messages"[0]."content"`),
 * so a query reads the value the JSONL reader would. Keys are quoted, so spaces and dashes
 * pass; a key holding `"` has no JSONPath spelling here and is refused.
 */
export function toJsonPath(path: KeyPath): string {
  return (
    '$' +
    path
      .map((seg) => {
        if (typeof seg === 'number') return `[${seg}]`;
        if (seg.includes('"')) throw new Error(`key "${seg}" holds a double quote, which a JSON path cannot address; rename the field`);
        return `."${seg}"`;
      })
      .join('')
  );
}
