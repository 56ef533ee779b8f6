/**
 * Text templates such as `{title}\n\n{body}`: literal text with `{key.path}` fields (key
 * paths as in key-path.ts), so several fields of a record become one text (SemHash's several
 * columns). `\n`, `\t` and `\\` are escapes, so a template typed on a command line says a
 * newline the way YAML does; `{{` and `}}` are literal braces. Parsed once, applied to every
 * record; a field that is missing, null or only whitespace makes the record a problem naming
 * the field, since a half-filled text would cluster by the template's literal words.
 */
import { getAtPath, parseKeyPath, type KeyPath } from './key-path.js';

export type TemplatePiece = { literal: string } | { field: string; path: KeyPath };

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', '\\': '\\' };

export function parseTextTemplate(template: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let literal = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\\' && ESCAPES[template[i + 1]] !== undefined) {
      literal += ESCAPES[template[++i]];
    } else if ((c === '{' || c === '}') && template[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new Error(`text template "${template}": "{" at character ${i + 1} is not closed; write {{ for a literal brace`);
      const field = template.slice(i + 1, end).trim();
      if (literal) pieces.push({ literal });
      literal = '';
      pieces.push({ field, path: parseKeyPath(field) });
      i = end;
    } else if (c === '}') {
      throw new Error(`text template "${template}": "}" at character ${i + 1} closes nothing; write }} for a literal brace`);
    } else literal += c;
  }
  if (literal) pieces.push({ literal });
  if (!pieces.some((p) => 'field' in p)) throw new Error(`text template "${template}" names no field: write key paths in braces, e.g. {title}\\n\\n{body}`);
  return pieces;
}

export type TemplateText = { text: string } | { problem: 'empty_field' | 'not_a_string'; detail: string };

/** The template filled from `record`; numbers and booleans are written as JSON writes them. */
export function fillTemplate(pieces: readonly TemplatePiece[], record: unknown): TemplateText {
  let text = '';
  for (const p of pieces) {
    if ('literal' in p) {
      text += p.literal;
      continue;
    }
    const v = getAtPath(record, p.path);
    if (typeof v === 'number' || typeof v === 'boolean') text += String(v);
    else if (typeof v === 'string' && v.trim() !== '') text += v;
    else if (v === undefined || v === null || typeof v === 'string') return { problem: 'empty_field', detail: `template field {${p.field}} is ${v === undefined ? 'missing' : v === null ? 'null' : 'empty'}` };
    else return { problem: 'not_a_string', detail: `template field {${p.field}} is ${Array.isArray(v) ? 'an array' : 'an object'}` };
  }
  return { text };
}
