/**
 * Command-line flags derived from the settings schema: every setting `text_key` is
 * `--text-key` and `--text_key` (the reference's spelling), typed by the schema.
 */
import { settingsShape, type SettingKey } from '../schemas/config.js';
import { SettingsError, baseSchema, closestKey, type SettingsLayer } from './settings.js';

export interface ParsedArgs {
  positionals: string[];
  settings: SettingsLayer;
  /** Flags that are not settings (command options such as --help, --format). */
  options: Record<string, string | boolean>;
}

type Schema = Parameters<typeof baseSchema>[0];

function coerce(flag: string, key: SettingKey, raw: string): unknown {
  const base = baseSchema(settingsShape[key] as unknown as Schema);
  const type = base._zod.def.type;
  if (type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new SettingsError(`command line: ${flag} expects a number, got "${raw}"`);
    return n;
  }
  if (type === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new SettingsError(`command line: ${flag} expects true or false, got "${raw}"`);
  }
  if (type === 'array') return raw.split(',').map((x) => x.trim()).filter(Boolean);
  return raw;
}

function isBoolean(key: SettingKey): boolean {
  return baseSchema(settingsShape[key] as unknown as Schema)._zod.def.type === 'boolean';
}

/**
 * `commandOptions` lists the non-setting flags the command accepts; those named in
 * `booleanOptions` take no value.
 */
export function parseArgs(argv: readonly string[], commandOptions: readonly string[] = [], booleanOptions: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const values: Record<string, unknown> = {};
  const options: Record<string, string | boolean> = {};
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
    const key = name.replace(/-/g, '_');
    const next = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new SettingsError(`command line: ${flag} needs a value`);
      return argv[++i];
    };

    if (commandOptions.includes(name) || (name === 'h' && commandOptions.includes('help'))) {
      const opt = name === 'h' ? 'help' : name;
      options[opt] = booleanOptions.includes(opt) ? (inline === undefined ? true : inline !== 'false') : next();
      continue;
    }
    if (key.startsWith('no_') && key.slice(3) in settingsShape && isBoolean(key.slice(3) as SettingKey)) {
      values[key.slice(3)] = false;
      continue;
    }
    if (!(key in settingsShape)) {
      const guess = closestKey(key);
      throw new SettingsError(`command line: unknown flag ${flag}${guess ? `; did you mean --${guess.replace(/_/g, '-')}?` : ''} (see --help)`);
    }
    const k = key as SettingKey;
    if (isBoolean(k) && inline === undefined) {
      values[k] = true;
      continue;
    }
    const v = coerce(flag, k, next());
    if (k === 'input') values.input = [...((values.input as string[] | undefined) ?? []), v as string];
    else values[k] = v;
  }
  return { positionals, settings: { origin: 'command line', values }, options };
}
