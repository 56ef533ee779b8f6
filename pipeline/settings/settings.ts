/**
 * Settings come from layers — a pipeline YAML, a previous run's manifest, command-line
 * flags — merged in that order and validated once by the schema. Errors name where the
 * bad value came from, its key path, and what is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { SETTING_KEYS, Settings, settingsShape, type SettingKey } from '../../schemas/config.js';
import { keyOfFlag } from '../../schemas/flag-name.js';
import { UsageError } from '../../core/util/semclust-error.js';
import { parseKeyPath, toJsonPath } from '../../core/text/key-path.js';

export interface SettingsLayer {
  /** Shown in errors: a file name or "command line". */
  origin: string;
  values: Record<string, unknown>;
  /** How the user wrote each setting here (`--cluster-alg`), named in errors instead of the key. */
  spelled?: Record<string, string>;
}

export class SettingsError extends UsageError {}

type AnySchema = z.ZodType & { _zod: { def: { type: string; innerType?: AnySchema; options?: AnySchema[]; element?: AnySchema; entries?: Record<string, string> } } };

/** Strips optional/default wrappers to the schema that decides a value's type. */
export function baseSchema(schema: AnySchema): AnySchema {
  let s = schema;
  while (s._zod.def.innerType) s = s._zod.def.innerType;
  return s;
}

export function descriptionOf(key: SettingKey): string | undefined {
  let s = settingsShape[key] as unknown as AnySchema;
  for (;;) {
    if (s.description) return s.description;
    if (!s._zod.def.innerType) return undefined;
    s = s._zod.def.innerType;
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

export function closestKey(key: string): SettingKey | null {
  return closestWord(keyOfFlag(key), SETTING_KEYS);
}

/** The candidate nearest `norm` by edit distance, if near enough to be a typo. */
export function closestWord<T extends string>(norm: string, candidates: readonly T[]): T | null {
  let best: T | null = null;
  let bestD = Infinity;
  for (const k of candidates) {
    const d = editDistance(norm, k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(2, Math.floor(norm.length / 4)) ? best : null;
}

/** Reads a pipeline YAML; relative paths in it are taken from the file's folder. */
export function loadPipelineFile(file: string): SettingsLayer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SettingsError(`cannot read pipeline file ${file}: ${(e as Error).message}`);
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos ? `${file}:${e.linePos[0].line}:${e.linePos[0].col}` : file;
    throw new SettingsError(`${where}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  // An unknown tag (`!!js/function '…'`, `!custom`) would be read silently as its plain string:
  // refused, since it means the file was written for another loader.
  const unresolved = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (unresolved) {
    const where = unresolved.linePos ? `${file}:${unresolved.linePos[0].line}:${unresolved.linePos[0].col}` : file;
    const tag = /Unresolved tag: (\S+)/.exec(unresolved.message)?.[1] ?? 'an unknown tag';
    throw new SettingsError(`${where}: unknown YAML tag ${tag}; a pipeline file holds plain values: remove the tag (or quote the whole value to keep it as text)`);
  }
  // `__proto__` is refused on the YAML node, before toJS: as a key it would set the prototype.
  const contents = doc.contents;
  if (YAML.isMap(contents)) {
    for (const item of contents.items) {
      const k = YAML.isScalar(item.key) ? String(item.key.value) : String(item.key);
      // Other unknown keys are reported with every other problem by the schema check below.
      if (k === '__proto__') {
        const guess = closestKey(k);
        const line = item.key && YAML.isNode(item.key) && item.key.range ? `:${text.slice(0, item.key.range[0]).split('\n').length}` : '';
        throw new SettingsError(`${file}${line}: unknown setting "${k}"${guess ? `; did you mean "${guess}"?` : ''} (semclust --help lists the settings)`);
      }
    }
  }
  const values = doc.toJS() ?? {};
  if (typeof values !== 'object' || Array.isArray(values)) throw new SettingsError(`${file}: expected a mapping of settings, e.g. "input: data.jsonl"`);
  const base = path.dirname(file);
  const rel = (p: string) => (p === '-' || path.isAbsolute(p) ? p : path.join(base, p));
  if (typeof values.input === 'string') values.input = rel(values.input);
  else if (Array.isArray(values.input)) values.input = values.input.map((p: unknown) => (typeof p === 'string' ? rel(p) : p));
  if (Array.isArray(values.against)) values.against = values.against.map((p: unknown) => (typeof p === 'string' ? rel(p) : p));
  if (typeof values.output_dir === 'string') values.output_dir = rel(values.output_dir);
  if (typeof values.write_kept === 'string') values.write_kept = rel(values.write_kept);
  if (typeof values.embedding_model === 'string' && /^\.{1,2}\//.test(values.embedding_model)) values.embedding_model = rel(values.embedding_model);
  return { origin: file, values };
}

function describeIssue(issue: z.core.$ZodIssue, originOf: (key: string) => string, spellingOf: (key: string) => string | undefined): string {
  const top = String(issue.path[0] ?? '');
  const key = issue.path.length > 0 ? [spellingOf(top) ?? top, ...issue.path.slice(1).map(String)].join('.') : '';
  const origin = originOf(String(issue.path[0] ?? ''));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((k) => {
        const guess = closestKey(k);
        const hint = guess ? `did you mean "${guess}"?` : `allowed keys: ${SETTING_KEYS.join(', ')}`;
        return `${originOf(k)}: unknown setting "${k}"; ${hint}`;
      })
      .join('\n');
  }
  if (issue.code === 'invalid_value') {
    return `${origin}: ${key}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  const help = top && issue.path.length === 1 && top in settingsShape ? descriptionOf(top as SettingKey) : undefined;
  return `${origin}: ${key}: ${issue.message}${help ? ` (${help})` : ''}`;
}

/** Merges the layers (later wins) and validates the result. */
export function resolveSettings(layers: readonly SettingsLayer[]): Settings {
  const merged: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  const spellings = new Map<string, string>();
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer.values)) {
      if (v === undefined) continue;
      merged[k] = v;
      origins.set(k, layer.origin);
      if (layer.spelled?.[k]) spellings.set(k, layer.spelled[k]);
      else spellings.delete(k);
    }
  }
  const parsed = Settings.safeParse(merged);
  if (!parsed.success) {
    const originOf = (k: string) => origins.get(k) ?? 'settings';
    throw new SettingsError(parsed.error.issues.map((i) => describeIssue(i, originOf, (k) => spellings.get(k))).join('\n'));
  }
  // A facet is read only when the report is written, at the end of infer or sample: a key path
  // that cannot be one must stop the command before any work.
  for (const facet of parsed.data.facet) {
    try {
      toJsonPath(parseKeyPath(facet));
    } catch (e) {
      throw new SettingsError(`${origins.get('facet') ?? 'settings'}: ${spellings.get('facet') ?? 'facet'} ${facet}: ${(e as Error).message}`);
    }
  }
  return parsed.data;
}
