/**
 * What the shards of a sharded stage record, each only in its own files, so N shards on
 * N machines sharing OUTDIR never write the same file (manifest.json is written only by
 * the merge, under the run lock):
 *   OUTDIR/progress/<stage>/shard-I-of-N.json   the shard's settings, key, state, what it owns
 *   OUTDIR/progress/embed/unit-U.json           one finished input unit (its totals)
 *   OUTDIR/progress/embed/unit-U.rejects.jsonl  that unit's rejected lines
 *   OUTDIR/progress/dedup/signatures-U.bin      rows/ part U's MinHash signatures (dedup-units.ts)
 * Paths inside are relative to OUTDIR, so OUTDIR can be mounted anywhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROGRESS_DIR, type InputIdentity } from '../../schemas/manifest.js';
import { writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import type { ServedUsage, UsageCounts } from '../../operators/embedders/embedder.js';
import type { SettingsLayer } from '../settings/settings.js';
import type { ShardSpec } from './shard-spec.js';

export type ShardedStage = 'embed' | 'infer' | 'dedup';

export interface ShardRecord {
  stage: ShardedStage;
  shard: number;
  count: number;
  status: 'running' | 'complete';
  /** The stage key (pipeline/run/plan.ts) every shard of one run shares. */
  key: string;
  /** The keyed settings as the manifest would record them (inputs relative to OUTDIR). */
  settings: Record<string, unknown>;
  shard_unit_bytes?: number;
  /** embed: units of the whole input; infer: embedding parts; dedup: rows/ parts. */
  total: number;
  /** The units (embed) or parts (infer, dedup) this shard owns. */
  owned: number[];
  host: string;
  pid: number;
  started_at: string;
  finished_at?: string;
  /** embed only: what the merged stage statistics need and no unit knows alone. */
  dims?: number;
  model?: string;
  model_revision?: string | null;
  inputs?: InputIdentity[];
  /**
   * embed from a served model: the request size it ended with, which server it was, what it
   * counted before any unit (the dimension probe), and the price it was given (merge takes no flags).
   */
  served?: Pick<ServedUsage, 'request_batch_size' | 'server_kind'> & { before_units: UsageCounts; cost_per_million_tokens?: number };
}

/** One finished input unit of a sharded embed. */
export interface UnitRecord {
  unit: number;
  key: string;
  source: string;
  start: number;
  end: number;
  size: number;
  mtime_ms: number;
  lines_read: number;
  rows: number;
  embedded: number;
  rejected: number;
  rejected_by_reason: Record<string, number>;
  parts: number;
  /** A served model's requests and tokens for this unit (the merge sums them). */
  usage?: UsageCounts;
}

export const stageDir = (outDir: string, stage: ShardedStage) => path.join(outDir, PROGRESS_DIR, stage);
export const shardFile = (outDir: string, stage: ShardedStage, s: ShardSpec) => path.join(stageDir(outDir, stage), `shard-${s.index}-of-${s.count}.json`);
export const shardLockScope = (stage: ShardedStage, s: ShardSpec) => `${stage}-shard-${s.index}-of-${s.count}`;
const pad = (u: number) => String(u).padStart(6, '0');
export const unitFile = (outDir: string, unit: number) => path.join(stageDir(outDir, 'embed'), `unit-${pad(unit)}.json`);
export const unitRejectsFile = (outDir: string, unit: number) => path.join(stageDir(outDir, 'embed'), `unit-${pad(unit)}.rejects.jsonl`);
/** Part K of unit U: part-UUUUUU-KKKKK.parquet sorts in input order across shards. */
export const unitPartName = (unit: number) => (k: number) => `part-${pad(unit)}-${String(k).padStart(5, '0')}.parquet`;
export const unitPartPrefix = (unit: number) => `part-${pad(unit)}-`;

/** The input unit a part file came from (part-U-K), or null for a one-process part-N. */
export function unitOfPart(file: string): number | null {
  const m = /^part-(\d+)-\d+\.parquet$/.exec(path.basename(file));
  return m ? Number(m[1]) : null;
}

const SHARD_FILE = /^shard-(\d+)-of-(\d+)\.json$/;

export function readShardRecords(outDir: string, stage: ShardedStage): ShardRecord[] {
  const dir = stageDir(outDir, stage);
  if (!fs.existsSync(dir)) return [];
  const out: ShardRecord[] = [];
  for (const f of fs.readdirSync(dir)) {
    if (!SHARD_FILE.test(f)) continue;
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as ShardRecord);
    } catch {
      // Written atomically, so unreadable means damaged by hand: treated as a shard that did not run.
    }
  }
  return out;
}

export function writeShardRecord(outDir: string, r: ShardRecord): void {
  writeFileAtomic(shardFile(outDir, r.stage, { index: r.shard, count: r.count }), JSON.stringify(r, null, 2) + '\n');
}

export function newShardRecord(stage: ShardedStage, s: ShardSpec, fields: Omit<ShardRecord, 'stage' | 'shard' | 'count' | 'status' | 'host' | 'pid' | 'started_at'>): ShardRecord {
  return { stage, shard: s.index, count: s.count, status: 'running', host: os.hostname(), pid: process.pid, started_at: new Date().toISOString(), ...fields };
}

export function readUnitRecord(outDir: string, unit: number): UnitRecord | null {
  try {
    return JSON.parse(fs.readFileSync(unitFile(outDir, unit), 'utf8')) as UnitRecord;
  } catch {
    return null;
  }
}

/**
 * The shard count of the latest sharded attempt (the shard record written last), and its
 * records: an earlier attempt with another N does not count.
 */
export function latestAttempt(records: readonly ShardRecord[]): { count: number; key: string; records: ShardRecord[] } | null {
  if (records.length === 0) return null;
  const latest = [...records].sort((a, b) => a.started_at.localeCompare(b.started_at)).pop()!;
  return { count: latest.count, key: latest.key, records: records.filter((r) => r.count === latest.count && r.key === latest.key) };
}

/**
 * The settings the latest shard of `stage` recorded (inputs made absolute again): the base a
 * shard's settings are planned on, so rerunning one shard needs only the inputs, OUTDIR and --shard.
 */
export function recordedShardLayer(outDir: string, stage: ShardedStage): SettingsLayer | null {
  const attempt = latestAttempt(readShardRecords(outDir, stage));
  if (!attempt) return null;
  const r = attempt.records.find((x) => x.started_at === attempt.records.map((y) => y.started_at).sort().pop())!;
  const values: Record<string, unknown> = { ...r.settings };
  if (Array.isArray(values.input)) values.input = (values.input as string[]).map((p) => path.resolve(outDir, p));
  if (r.shard_unit_bytes !== undefined) values.shard_unit_bytes = r.shard_unit_bytes;
  return { origin: path.relative(process.cwd(), shardFile(outDir, stage, { index: r.shard, count: r.count })), values };
}
