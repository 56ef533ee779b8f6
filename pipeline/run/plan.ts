/**
 * Before any work: which settings each stage runs with, and what each stage will do
 * (skip, resume, run, redo) and why. Settings come from what OUTDIR's manifest recorded for
 * the stage and its upstream, overridden by the pipeline file and the flags; a flag that
 * would change a stage the command does not run is an error that says which command does.
 */
import path from 'node:path';
import { STAGES, SETTING_KEYS, type SettingKey, type Settings, type StageName } from '../../schemas/config.js';
import { redactUrl } from '../../core/util/redact-url.js';
import { STDIN } from '../../operators/input/read-lines.js';
import { RunState, stageKey } from './manifest.js';
import { SettingsError, resolveSettings, type SettingsLayer } from '../settings/settings.js';
import type { SettingChange, Stage } from './stage.js';
import { flagOf } from '../../schemas/flag-name.js';

/** extend: a complete stage goes on with new input after its outputs (Stage.extends, Stage.onExtend). */
export type Decision = 'skip' | 'resume' | 'run' | 'redo' | 'extend';

export interface StagePlan {
  stage: Stage;
  settings: Settings;
  /** The keyed settings as recorded in the manifest (inputs relative to OUTDIR). */
  recorded: Record<string, unknown>;
  key: string;
  decision: Decision;
  /** Why it is redone: changed settings or inputs, an upstream redo, an interrupted attempt. */
  reasons: string[];
}

/** Settings no stage is keyed by (threads, concurrency, batch size): accepted by every command. */
export function runtimeKeys(stages: readonly Stage[]): SettingKey[] {
  const owned = new Set(stages.flatMap((s) => s.settings));
  return SETTING_KEYS.filter((k) => !owned.has(k) && k !== 'output_dir' && k !== 'stages');
}

/** The command that runs `name` (its declaration's usage). */
function commandFor(all: readonly Stage[], name: StageName): string {
  return all.find((s) => s.name === name)!.command.usage;
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  return v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v);
}

/** Endpoints are recorded without credentials (user info, api-key=… query values). */
const ENDPOINT_KEYS = ['embedding_endpoint', 'label_endpoint'] as const;

/** Inputs and --against references are recorded relative to OUTDIR, so a moved or remounted OUTDIR still finds them; so is the run folder of model_from. */
const PATH_LISTS = ['input', 'against'];

function toRecorded(key: string, value: unknown, outDir: string): unknown {
  if ((ENDPOINT_KEYS as readonly string[]).includes(key) && value !== undefined) return Array.isArray(value) ? value.map((u: string) => redactUrl(u)) : redactUrl(value as string);
  if (key === 'model_from' && typeof value === 'string') return path.relative(outDir, path.resolve(value)) || '.';
  if (!PATH_LISTS.includes(key) || value === undefined) return value;
  const list = Array.isArray(value) ? value : [value];
  return list.map((p: string) => (p === STDIN ? p : path.relative(outDir, path.resolve(p)) || '.'));
}

function fromRecorded(key: string, value: unknown, outDir: string): unknown {
  if (key === 'model_from' && typeof value === 'string') return path.resolve(outDir, value);
  if (!PATH_LISTS.includes(key) || !Array.isArray(value)) return value;
  return value.map((p: string) => (p === STDIN ? p : path.resolve(outDir, p)));
}

/** What the manifest recorded for `stage` and the stages before it (later stages win). */
function recordedLayer(state: RunState, stage: StageName): SettingsLayer {
  const values: Record<string, unknown> = {};
  for (const s of STAGES.slice(0, STAGES.indexOf(stage) + 1)) {
    const r = state.record(s);
    if (!r) continue;
    for (const [k, v] of Object.entries(r.settings)) values[k] = fromRecorded(k, v, state.outDir);
  }
  return { origin: `${state.outDir}/manifest.json`, values };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks every explicitly given setting against the stages the command runs: a setting of
 * a stage it runs applies; one of an earlier stage must match what that stage recorded;
 * one of a later stage, or of a stage never run, is an error naming the command it belongs to.
 */
function checkOwnership(state: RunState, all: readonly Stage[], chain: readonly StageName[], explicit: readonly SettingsLayer[], command: string): void {
  const given = new Map<string, string>();
  for (const l of explicit) for (const [k, v] of Object.entries(l.values)) if (v !== undefined) given.set(k, l.origin);
  const runtime = new Set<string>(runtimeKeys(all));
  const errors: string[] = [];
  for (const [key, origin] of given) {
    if (runtime.has(key) || key === 'output_dir' || key === 'stages') continue;
    const owners = all.filter((s) => (s.settings as readonly string[]).includes(key)).map((s) => s.name);
    if (owners.length === 0 || owners.some((o) => chain.includes(o))) continue;
    const target = chain[chain.length - 1];
    const upstream = owners.filter((o) => STAGES.indexOf(o) < STAGES.indexOf(target));
    const owner = upstream[upstream.length - 1] ?? owners[0];
    const r = state.record(owner);
    if (upstream.length > 0 && r) {
      const resolved = resolveSettings([recordedLayer(state, owner), ...explicit]);
      const recordedValue = r.settings[key];
      const value = toRecorded(key, resolved[key as SettingKey], state.outDir);
      if (same(value, recordedValue)) continue;
      errors.push(
        `${origin}: ${flagOf(key)} ${show(resolved[key as SettingKey])} differs from this run's ${owner} stage, which used ${show(recordedValue)}; ` +
          `\`semclust ${command}\` does not redo ${owner}. To change it run ${commandFor(all, owner)} ${flagOf(key)} ${show(resolved[key as SettingKey])}, or drop the flag.`,
      );
    } else {
      errors.push(`${origin}: ${flagOf(key)} belongs to the ${owner} stage (${commandFor(all, owner)}), which \`semclust ${command}\` does not run; drop it or use that command.`);
    }
  }
  if (errors.length > 0) throw new SettingsError(errors.join('\n'));
}

/**
 * The layers other run folders supply to this command (Stage.borrowed), each checked against
 * what the command gives: a given value that differs is an error naming both, since that
 * run's settings must hold here (another server for the same model, a remembered setting, may differ).
 */
function borrowedLayers(state: RunState, all: readonly Stage[], chain: readonly StageName[], explicit: readonly SettingsLayer[], given: ReadonlySet<string>): SettingsLayer[] {
  const lending = chain.map((n) => all.find((s) => s.name === n)!).filter((s) => s.borrowed);
  if (lending.length === 0) return [];
  const settings = resolveSettings([recordedLayer(state, chain[chain.length - 1]), ...explicit]);
  const remembered = new Set<string>(all.flatMap((s) => s.remembered ?? []));
  const layers: SettingsLayer[] = [];
  const errors: string[] = [];
  for (const stage of lending) {
    const layer = stage.borrowed!(settings, given);
    if (!layer) continue;
    layers.push(layer);
    for (const [key, value] of Object.entries(layer.values)) {
      if (!given.has(key) || remembered.has(key)) continue;
      const from = explicit.findLast((l) => l.values[key] !== undefined)!;
      if (same(from.values[key], value)) continue;
      errors.push(`${from.origin}: ${flagOf(key)} ${show(from.values[key])} differs from ${show(value)}, which ${layer.origin} recorded and this run must share; drop ${flagOf(key)}`);
    }
  }
  if (errors.length > 0) throw new SettingsError(errors.join('\n'));
  return layers;
}

function describeChange(c: SettingChange): string {
  return `${c.key} ${show(c.from)} → ${show(c.to)}`;
}

function listNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export async function planStages(
  state: RunState,
  all: readonly Stage[],
  chain: readonly StageName[],
  explicit: readonly SettingsLayer[],
  command: string,
  strict: boolean,
): Promise<StagePlan[]> {
  if (strict) checkOwnership(state, all, chain, explicit, command);
  const given = new Set<string>();
  for (const l of explicit) for (const [k, v] of Object.entries(l.values)) if (v !== undefined) given.add(k);
  const borrowed = borrowedLayers(state, all, chain, explicit, given);
  const plans: StagePlan[] = [];
  const keyOf = new Map<StageName, string>();
  const redone = new Set<StageName>();
  const extended = new Set<StageName>();
  for (const name of chain) {
    const stage = all.find((s) => s.name === name)!;
    // A borrowed key replaces this OUTDIR's record even where the other run left it unset (no prefix).
    const own = recordedLayer(state, name);
    for (const l of borrowed) for (const k of Object.keys(l.values)) delete own.values[k];
    const settings = resolveSettings([own, ...borrowed, ...explicit]);
    const keyed = stage.keyed ? stage.keyed(settings) : stage.settings;
    const recorded: Record<string, unknown> = {};
    for (const k of keyed) recorded[k] = toRecorded(k, settings[k], state.outDir);
    const remembered: Record<string, unknown> = {};
    for (const k of stage.remembered ?? []) if (settings[k] !== undefined) remembered[k] = toRecorded(k, settings[k], state.outDir);
    const identity = stage.identity ? await stage.identity(settings, state.outDir, state, given) : { key: {}, changes: [] };
    const upstream: string[] = [];
    for (const need of stage.needs) {
      const k = keyOf.get(need) ?? (state.isComplete(need) ? state.upstreamKey(need) : null);
      if (k === null) {
        throw new SettingsError(`${state.outDir}: ${name} needs the ${need} stage, which is not complete here; run ${commandFor(all, need)} first`);
      }
      upstream.push(k);
    }
    const key = stageKey({ ...recorded, ...identity.key }, upstream);
    const rec = state.record(name);
    let decision: Decision;
    const reasons: string[] = [];
    const changes: SettingChange[] = [];
    if (rec) {
      for (const k of new Set([...Object.keys(rec.settings), ...Object.keys(recorded)])) {
        if ((stage.remembered as readonly string[] | undefined)?.includes(k)) continue;
        if (!same(rec.settings[k], recorded[k])) changes.push({ key: k, from: rec.settings[k], to: recorded[k] });
      }
      changes.push(...identity.changes);
    }
    const upstreamRedone = stage.needs.some((n) => redone.has(n));
    if (!rec) decision = 'run';
    else if (rec.key === key && identity.changes.length === 0) decision = rec.status === 'complete' ? 'skip' : stage.resumable ? 'resume' : 'redo';
    else decision = rec.status === 'complete' && !upstreamRedone && stage.extends && (await stage.extends(changes, settings, state.outDir, state)) ? 'extend' : 'redo';
    // After an upstream stage took new input: keep, go on by part, or redo.
    const grown = stage.needs.filter((n) => extended.has(n));
    if (decision === 'skip' && grown.length > 0 && stage.onExtend !== 'keep') {
      decision = stage.onExtend === 'continue' ? 'extend' : 'redo';
      reasons.push(`${listNames(grown)} took new input`);
    }
    if (decision === 'extend') reasons.push(...changes.map(describeChange));
    if (decision === 'extend' || (decision === 'skip' && grown.length > 0)) extended.add(name);
    // Later stages stay keyed on what a skipped, resumed or extended stage was first keyed on.
    keyOf.set(name, rec && decision !== 'redo' && decision !== 'run' ? (rec.base_key ?? rec.key) : key);
    if (decision === 'redo') {
      reasons.push(...changes.map(describeChange));
      const up = stage.needs.filter((n) => redone.has(n));
      if (up.length > 0) reasons.push(`${listNames(up)} is redone`);
      if (rec!.key === key && rec!.status === 'running' && identity.changes.length === 0) reasons.push('the last attempt was interrupted');
      if (reasons.length === 0) reasons.push('its upstream changed');
    }
    if (decision === 'redo' || decision === 'run') redone.add(name);
    if (decision !== 'skip') {
      for (const k of ENDPOINT_KEYS.filter((e) => (stage.settings as readonly string[]).includes(e))) {
        const v = settings[k];
        if ((Array.isArray(v) ? v : [v]).some((u) => typeof u === 'string' && u.includes('***')) && !given.has(k)) {
          throw new SettingsError(`${state.outDir}: the ${k} recorded for ${name} had credentials, which are never stored; pass ${flagOf(k)} again`);
        }
      }
    }
    plans.push({ stage, settings, recorded: { ...recorded, ...remembered }, key, decision, reasons });
  }
  return plans;
}

/** The lines printed before any work: what is redone and why, and what it replaces. */
export function describePlan(plans: readonly StagePlan[], state: RunState, all: readonly Stage[]): string[] {
  const lines: string[] = [];
  const grown = plans.find((p) => p.decision === 'extend');
  if (grown) {
    const after = STAGES.filter((s) => STAGES.indexOf(s) > STAGES.indexOf(grown.stage.name) && state.record(s));
    const planned = (s: StageName) => plans.find((p) => p.stage.name === s);
    const onExtend = (s: StageName) => all.find((d) => d.name === s)?.onExtend;
    const kept = after.filter((s) => onExtend(s) === 'keep');
    const pending = after.filter((s) => onExtend(s) === 'continue' && !planned(s));
    const removed = after.filter((s) => onExtend(s) === undefined && planned(s)?.decision !== 'redo');
    lines.push(
      `${grown.reasons.join('; ')}: ${listNames(plans.filter((p) => p.decision === 'extend').map((p) => p.stage.name))} go${plans.filter((p) => p.decision === 'extend').length > 1 ? '' : 'es'} on with the new input only` +
        (kept.length > 0 ? `; ${listNames(kept)} kept` : '') +
        (pending.length > 0 ? `; ${listNames(pending)} must be rerun to take it` : '') +
        (removed.length > 0 ? `; ${listNames(removed)} ${removed.length > 1 ? 'are' : 'is'} removed and must be rerun` : ''),
    );
  }
  const first = plans.find((p) => p.decision === 'redo');
  if (!first) return lines;
  const redoneNames = plans.filter((p) => p.decision === 'redo' || (p.decision === 'run' && state.record(p.stage.name))).map((p) => p.stage.name);
  const later = STAGES.slice(STAGES.indexOf(plans[plans.length - 1].stage.name) + 1).filter((s) => state.record(s));
  const own = first.reasons.filter((r) => !r.endsWith(' is redone'));
  let line = `${own.join('; ')}: ${listNames(redoneNames)} will be redone`;
  if (later.length > 0) line += `; ${listNames(later)} ${later.length > 1 ? 'are' : 'is'} removed and must be rerun`;
  lines.push(line);
  if (first.stage.name === 'embed') {
    const r = state.record('embed');
    const rows = r?.stats?.rows;
    if (typeof rows === 'number') lines.push(`  this replaces the ${rows.toLocaleString('en-US')} rows embedded earlier in ${state.outDir}`);
  }
  return lines;
}
