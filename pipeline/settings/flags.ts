/**
 * Command-line flags derived from the settings schema: every setting `text_key` is
 * `--text-key` and `--text_key` (the reference's spelling), typed by the schema.
 */
import fs from 'node:fs';
import { settingsShape, type SettingKey } from '../../schemas/config.js';
import { REFERENCE_FLAGS } from '../../schemas/reference-flags.js';
import { SettingsError, baseSchema, closestKey, type SettingsLayer } from './settings.js';
import { flagOf, keyOfFlag } from '../../schemas/flag-name.js';

export interface ParsedArgs {
  positionals: string[];
  settings: SettingsLayer;
  /** Flags that are not settings (command options such as --help, --format). */
  options: Record<string, string | boolean>;
  /** One line per reference flag accepted but not needed here. */
  notes: string[];
}

type Schema = Parameters<typeof baseSchema>[0];

/** Python's and the shell's spellings of a boolean (the reference passes `--enable_umap True`). */
const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };
const booleanOf = (raw: string): boolean | undefined => (Object.hasOwn(BOOLEAN_WORDS, raw.toLowerCase()) ? BOOLEAN_WORDS[raw.toLowerCase()] : undefined);

/** Plain decimal numbers only: `0x10`, `1_000` or `Infinity` are not what a user means by a count. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function isInteger(schema: Schema): boolean {
  const checks = (schema._zod.def as { checks?: { _zod: { def: { format?: string } } }[] }).checks ?? [];
  return checks.some((c) => c._zod.def.format === 'safeint' || c._zod.def.format === 'int32');
}

function coerce(flag: string, key: SettingKey, raw: string): unknown {
  const base = baseSchema(settingsShape[key] as unknown as Schema);
  const type = base._zod.def.type;
  if (type === 'number') {
    if (!DECIMAL.test(raw.trim())) throw new SettingsError(`command line: ${flag} expects a number, got "${raw}"`);
    const n = Number(raw);
    if (isInteger(base) && !Number.isInteger(n)) throw new SettingsError(`command line: ${flag} expects a whole number, got ${raw}`);
    return n;
  }
  if (type === 'boolean') {
    const b = booleanOf(raw);
    if (b === undefined) throw new SettingsError(`command line: ${flag} expects true or false (True/False, 1/0), got "${raw}"`);
    return b;
  }
  if (type === 'array') return raw.split(',').map((x) => x.trim()).filter(Boolean);
  // Several servers of one model: --embedding-endpoint http://a:8000/v1,http://b:8000/v1
  if (key === 'embedding_endpoint' && raw.includes(',')) return raw.split(',').map((x) => x.trim()).filter(Boolean);
  return raw;
}

function isBoolean(key: SettingKey): boolean {
  return baseSchema(settingsShape[key] as unknown as Schema)._zod.def.type === 'boolean';
}

const isSetting = (key: string): key is SettingKey => Object.hasOwn(settingsShape, key);

/**
 * `commandOptions` lists the non-setting flags the command accepts; those named in
 * `booleanOptions` take no value.
 */
export function parseArgs(argv: readonly string[], commandOptions: readonly string[] = [], booleanOptions: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const values: Record<string, unknown> = {};
  const options: Record<string, string | boolean> = {};
  const notes: string[] = [];
  const spelled: Record<string, string> = {};
  let emptyTextKey = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const name = flag.replace(/^--?/, '');
    const key = keyOfFlag(name);
    const next = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new SettingsError(`command line: ${flag} needs a value`);
      const v = argv[i + 1];
      if (/^--?[a-zA-Z]/.test(v)) throw new SettingsError(`command line: ${flag} needs a value, got the flag ${v}; write ${flag}=${v} if the value really starts with a dash`);
      i++;
      return v;
    };
    /** A boolean flag's value: inline, or a following True/False/1/0; a following plain word is a mistake. */
    const booleanValue = (): boolean => {
      if (inline !== undefined) {
        const b = booleanOf(inline);
        if (b === undefined) throw new SettingsError(`command line: ${flag} expects true or false (True/False, 1/0), got "${inline}"`);
        return b;
      }
      const v = argv[i + 1];
      if (v !== undefined && booleanOf(v) !== undefined) {
        i++;
        return booleanOf(v)!;
      }
      if (v !== undefined && /^[a-zA-Z]+$/.test(v) && !fs.existsSync(v)) {
        throw new SettingsError(`command line: ${flag} takes no value or true/false (True/False, 1/0), got "${v}"; a folder named "${v}" does not exist`);
      }
      return true;
    };

    if (commandOptions.includes(name) || (name === 'h' && commandOptions.includes('help'))) {
      const opt = name === 'h' ? 'help' : name;
      options[opt] = booleanOptions.includes(opt) ? (inline === undefined ? true : inline !== 'false') : next();
      continue;
    }
    if (key.startsWith('no_') && isSetting(key.slice(3)) && isBoolean(key.slice(3) as SettingKey)) {
      values[key.slice(3)] = false;
      continue;
    }
    if (Object.hasOwn(REFERENCE_FLAGS, key)) {
      const ref = REFERENCE_FLAGS[key];
      if (ref.kind === 'rename') {
        values[ref.to] = coerce(flag, ref.to, next());
        spelled[ref.to] = flag;
      }
      else if (ref.kind === 'choice') values[ref.to] = booleanValue() ? ref.ifTrue : ref.ifFalse;
      else if (ref.kind === 'fixed') {
        const v = Number(next());
        if (v !== ref.value) throw new SettingsError(`command line: ${flag} ${v}: only ${ref.value} is supported: ${ref.why}`);
      } else {
        next();
        notes.push(`note: ${ref.note}`);
      }
      continue;
    }
    if (!isSetting(key)) {
      const guess = closestKey(key);
      throw new SettingsError(`command line: unknown flag ${flag}${guess ? `; did you mean ${flagOf(guess)}?` : ''} (see --help)`);
    }
    if (isBoolean(key)) {
      values[key] = booleanValue();
      continue;
    }
    const raw = next();
    // The reference's spelling: --text_key '' means "use --message_key", --message_key "" means none.
    if (raw === '' && (key === 'text_key' || key === 'message_key')) {
      if (key === 'text_key') emptyTextKey = true;
      continue;
    }
    const v = coerce(flag, key, raw);
    spelled[key] = flag;
    if (key === 'input') values.input = [...((values.input as string[] | undefined) ?? []), v as string];
    // A list flag given twice adds to the list: --facet genre --facet source.
    else if (Array.isArray(v) && Array.isArray(values[key])) values[key] = [...(values[key] as unknown[]), ...v];
    else values[key] = v;
  }
  if (emptyTextKey && values.message_key === undefined) {
    throw new SettingsError("command line: --text_key '' means the text is at --message_key, but no --message_key was given");
  }
  return { positionals, settings: { origin: 'command line', values, spelled }, options, notes };
}
