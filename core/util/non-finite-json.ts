/**
 * JSON with bare NaN / Infinity / -Infinity numbers, which Python's `json.dumps` (allow_nan,
 * its default) and DuckDB's `to_json` of a float column write, and JSON.parse refuses.
 * Input: one JSON text. Output: the value with those numbers as JS NaN / ±Infinity, and the
 * text with them as null (what JSON.stringify and Python's `json.dumps(allow_nan=False)`
 * consumers can read). Only the fallback when JSON.parse fails, so valid lines pay nothing.
 */

const TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const;
/** A string no JSON text decodes to by accident: a NUL prefix (written escaped, as JSON requires). */
const MARK = '\u0000non-finite:';
const MARK_JSON = '\\u0000non-finite:';

export interface NonFiniteParse {
  value: unknown;
  /** The text with each non-finite number written as null. */
  text: string;
}

/** Parses `text`, reading bare NaN / ±Infinity outside strings; throws JSON.parse's error for anything else. */
export function parseNonFiniteJson(text: string): NonFiniteParse {
  let marked = '';
  let nulled = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d && c !== 0x49 && c !== 0x4e) continue; // '-', 'I', 'N'
    const token = TOKENS.find((t) => text.startsWith(t, i));
    if (!token) continue;
    const before = text.slice(from, i);
    marked += `${before}"${MARK_JSON}${token}"`;
    nulled += `${before}null`;
    i += token.length - 1;
    from = i + 1;
  }
  if (from === 0) return { value: JSON.parse(text), text };
  marked += text.slice(from);
  nulled += text.slice(from);
  const value = JSON.parse(marked, (_key, v) => (typeof v === 'string' && v.startsWith(MARK) ? Number(v.slice(MARK.length)) : v));
  return { value, text: nulled };
}
