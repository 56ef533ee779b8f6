/**
 * `semclust merge OUT`, and the check fit, infer, dedup and sample run first: every shard of
 * a sharded stage is complete, else an error naming the missing or unfinished shards and
 * the commands that rerun them. Then, under the run lock, the stage is merged and recorded
 * in manifest.json as if one process had run it:
 *  - embed: an id embedded in more than one input unit keeps the embedding of its first
 *    unit in input order (what one process keeps: the first occurrence); the later parts
 *    that hold it are rewritten without it (atomically, so a merge can be rerun after a
 *    crash). Each unit's rejects are joined into rejects.jsonl in input order.
 *  - infer: clusters.parquet, the cluster statistics, plot and report from all parts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IdSet } from '../../core/util/id-set.js';
import { EMBEDDINGS, FILES, ROWS } from '../../schemas/tables.js';
import { listParts, readParquet, stringsOf, vectorsOf, writeParquet } from '../../operators/parquet/parquet.js';
import { PartLedger } from '../../operators/store/part-ledger.js';
import { AtomicFileWriter } from '../../operators/store/write-file-atomic.js';
import { shellJoin } from '../../core/util/shell-quote.js';
import { holdLock } from '../run/hold-lock.js';
import { RunState } from '../run/manifest.js';
import { planStages } from '../run/plan.js';
import { Progress, log } from '../cli/progress.js';
import { inferJobs, finishInfer, type InferEntry } from '../stages/infer.js';
import { loadFitted } from '../model/fitted-model.js';
import { recordedShardLayer } from './shard-run.js';
import { partUnit } from './shard-infer.js';
import {
  latestAttempt,
  readShardRecords,
  readUnitRecord,
  stageDir,
  unitOfPart,
  unitRejectsFile,
  type ShardRecord,
  type ShardedStage,
  type UnitRecord,
} from './shard-records.js';
import type { StageRun } from '../run/stage.js';
import { STAGE_LIST, type StageStats } from '../stages/index.js';
import { SemclustError } from '../../core/util/semclust-error.js';

/** What a merge did: `merged` is false when manifest.json already recorded the merged stage. */
export interface Merged {
  summary: string;
  merged: boolean;
}

/** Some shard is missing or unfinished: the message names them and the commands to rerun. */
export class ShardsIncomplete extends SemclustError {}

/** Inputs are recorded relative to OUTDIR; shown absolute when OUTDIR was given absolute, else from here. */
function shownAs(outDir: string): (file: string) => string {
  return (file) => (path.isAbsolute(outDir) ? file : path.relative(process.cwd(), file) || '.');
}

function rerunCommand(outDir: string, stage: ShardedStage, r: ShardRecord | undefined, anyRecord: ShardRecord, index: number, count: number): string {
  const base = r ?? anyRecord;
  const shown = shownAs(outDir);
  const inputs = stage === 'embed' && Array.isArray(base.settings.input) ? (base.settings.input as string[]).map((p) => shown(path.resolve(outDir, p))) : [];
  return shellJoin(['semclust', stage, ...inputs, outDir, '--shard', `${index}/${count}`]);
}

/** Which shards of the latest attempt are not done, and why; `missingWork(i)` names work of shard i not recorded. */
function check(outDir: string, stage: ShardedStage, records: ShardRecord[], missingWork: Map<number, string>): void {
  const attempt = latestAttempt(records)!;
  const n = attempt.count;
  const problems: string[] = [];
  const reruns: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = attempt.records.find((x) => x.shard === i);
    let why: string | null = null;
    if (!r) why = `never ran (no ${path.join(stageDir(outDir, stage), `shard-${i}-of-${n}.json`)})`;
    else if (r.status !== 'complete') {
      const lock = path.join(outDir, `${stage}-shard-${i}-of-${n}.lock`);
      why = `did not finish (started ${r.started_at} on ${r.host}, pid ${r.pid}; ${fs.existsSync(lock) ? 'it is still running, or was killed' : 'it failed or was stopped'})`;
    } else if (missingWork.has(i)) why = `is missing ${missingWork.get(i)} (deleted or written by other settings)`;
    if (why) {
      problems.push(`  shard ${i} of ${n} ${why}`);
      reruns.push(`  ${rerunCommand(outDir, stage, r, attempt.records[0], i, n)}`);
    }
  }
  if (problems.length > 0) {
    throw new ShardsIncomplete(
      [`${outDir}: the sharded ${stage} stage is not complete: ${problems.length} of ${n} shards ${problems.length === 1 ? 'is' : 'are'} not done`, ...problems, `rerun ${problems.length > 1 ? 'them' : 'it'} (each from any machine that sees ${outDir}), then merge again:`, ...reruns].join('\n'),
    );
  }
}

/** Records work item `item` (a unit or part number) of shard `shard` as not done. */
function note(missing: Map<number, string>, shard: number, what: string, item: number): void {
  const prev = missing.get(shard);
  missing.set(shard, prev ? `${prev}, ${item}` : `${what} ${item}`);
}

/** Rewrites `file` with only the rows at `keep` (atomic: temp + rename). */
function keepRows(file: string, keep: readonly number[]): void {
  const t = readParquet(file);
  const ids = stringsOf(t, EMBEDDINGS.col.id);
  const v = vectorsOf(t, EMBEDDINGS.col.embedding);
  const values = new Float32Array(keep.length * v.dims);
  keep.forEach((r, i) => values.set(v.values.subarray(r * v.dims, (r + 1) * v.dims), i * v.dims));
  writeParquet(file, EMBEDDINGS, { id: keep.map((r) => ids[r]), embedding: { values, dims: v.dims } }, keep.length);
}

/** Joins the units' rejects into rejects.jsonl, in unit order, one unit in memory at a time. */
function joinRejects(outDir: string, units: number): void {
  const out = new AtomicFileWriter(path.join(outDir, FILES.rejects));
  for (let u = 0; u < units; u++) {
    const f = unitRejectsFile(outDir, u);
    if (fs.existsSync(f)) out.write(fs.readFileSync(f));
  }
  out.commit();
}

/** Parts of units that are not in this input (an earlier attempt on other files): not part of the merged view. */
function removeStaleUnits(outDir: string, total: number): void {
  for (const dir of [ROWS.path, EMBEDDINGS.path]) {
    for (const f of listParts(path.join(outDir, dir))) {
      const u = unitOfPart(f);
      if (u !== null && u >= total) fs.rmSync(f);
    }
  }
  for (const f of fs.existsSync(stageDir(outDir, 'embed')) ? fs.readdirSync(stageDir(outDir, 'embed')) : []) {
    const m = /^unit-(\d+)\.(json|rejects\.jsonl)$/.exec(f);
    if (m && Number(m[1]) >= total) fs.rmSync(path.join(stageDir(outDir, 'embed'), f));
  }
}

const already = (state: RunState, stage: ShardedStage, key: string) => {
  const r = state.record(stage);
  return r?.status === 'complete' && r.key === key && typeof r.stats?.shards === 'number';
};

/** Checks and merges a sharded embed; null when embed did not run sharded here. */
export async function mergeEmbed(outDir: string, say: (m: string) => void = log, quiet = false): Promise<Merged | null> {
  const records = readShardRecords(outDir, 'embed');
  const attempt = latestAttempt(records);
  if (!attempt) return null;
  if (already(RunState.open(outDir), 'embed', attempt.key)) return { summary: `embed: ${attempt.count} shards, merged earlier`, merged: false };
  const latest = attempt.records.reduce((a, b) => (a.started_at >= b.started_at ? a : b));
  const total = latest.total;
  const units: UnitRecord[] = [];
  const missing = new Map<number, string>();
  for (let u = 0; u < total; u++) {
    const r = readUnitRecord(outDir, u);
    if (r && r.key === attempt.key) units.push(r);
    else note(missing, u % attempt.count, 'input units', u);
  }
  check(outDir, 'embed', records, missing);

  return holdLock(outDir, 'run', `merge ${outDir}`, say, () => `merge interrupted; rerun semclust merge ${outDir} (its rewrites are atomic)`, async () => {
    const state = RunState.open(outDir);
    if (already(state, 'embed', attempt.key)) return { summary: `embed: ${attempt.count} shards, merged earlier`, merged: false };
    removeStaleUnits(outDir, total);
    const rows = units.reduce((n, u) => n + u.rows, 0);
    const seen = new IdSet(Math.max(1 << 16, rows));
    const progress = new Progress({ stage: 'merge embed', unit: 'parts', quiet });
    let embedded = 0;
    let rewritten = 0;
    const files = listParts(path.join(outDir, EMBEDDINGS.path));
    files.forEach((f, i) => {
      const ids = stringsOf(readParquet(f, [EMBEDDINGS.col.id]), EMBEDDINGS.col.id);
      const keep: number[] = [];
      ids.forEach((id, r) => {
        if (seen.add(id)) keep.push(r);
      });
      embedded += keep.length;
      if (keep.length < ids.length) {
        keepRows(f, keep);
        rewritten++;
      }
      progress.update(i + 1, (i + 1) / files.length);
    });
    progress.done(files.length);
    joinRejects(outDir, total);
    const byReason: Record<string, number> = {};
    for (const u of units) for (const [k, n] of Object.entries(u.rejected_by_reason)) byReason[k] = (byReason[k] ?? 0) + n;
    const done = attempt.records.find((r) => r.dims !== undefined)!;
    const stats: StageStats<'embed'> = {
      lines_read: units.reduce((n, u) => n + u.lines_read, 0),
      rows,
      rejected: units.reduce((n, u) => n + u.rejected, 0),
      rejected_by_reason: byReason,
      embedded,
      duplicates: rows - embedded,
      parts: files.length,
      dims: done.dims!,
      model: done.model!,
      model_revision: done.model_revision ?? null,
      inputs: latest.inputs ?? [],
      resumed_parts: 0,
      shards: attempt.count,
    };
    const started = attempt.records.map((r) => r.started_at).sort()[0];
    state.adopt('embed', attempt.key, latest.settings, started, stats);
    return { merged: true, summary: `embed: ${attempt.count} shards merged: ${total} input units, ${rows.toLocaleString('en-US')} rows, ${embedded.toLocaleString('en-US')} embedded (${rewritten} parts rewritten without ids an earlier unit embedded), ${files.length} parts` };
  });
}

/** Checks and merges a sharded infer; null when infer did not run sharded here. */
export async function mergeInfer(outDir: string, say: (m: string) => void = log, quiet = false): Promise<Merged | null> {
  const records = readShardRecords(outDir, 'infer');
  const attempt = latestAttempt(records);
  if (!attempt) return null;
  const state0 = RunState.open(outDir);
  if (already(state0, 'infer', attempt.key)) return { summary: `infer: ${attempt.count} shards, merged earlier`, merged: false };
  const jobs = inferJobs(outDir, loadFitted(outDir).clusterer);
  const ledger = new PartLedger<InferEntry>(stageDir(outDir, 'infer'));
  const entries = ledger.entries();
  const missing = new Map<number, string>();
  for (const j of jobs) if (!entries.has(j.part)) note(missing, partUnit(j.file, j.part) % attempt.count, 'the labels of parts', j.part);
  check(outDir, 'infer', records, missing);

  return holdLock(outDir, 'run', `merge ${outDir}`, say, () => `merge interrupted; rerun semclust merge ${outDir} (its rewrites are atomic)`, async () => {
    const state = RunState.open(outDir);
    if (already(state, 'infer', attempt.key)) return { summary: `infer: ${attempt.count} shards, merged earlier`, merged: false };
    const base = recordedShardLayer(outDir, 'infer')!;
    const [plan] = await planStages(state, STAGE_LIST, ['infer'], [base], 'merge', false);
    if (plan.key !== attempt.key) {
      throw new ShardsIncomplete(`${outDir}: the infer shards ran on another fitted model or other settings than ${outDir}/manifest.json now records; rerun them: semclust infer ${outDir} --shard I/${attempt.count} for every I`);
    }
    const ctx: StageRun = {
      settings: plan.settings,
      outDir,
      state,
      log: say,
      progress: (stage, unit) => new Progress({ stage, unit, quiet }),
      quiet,
      ledger: ledger as PartLedger<unknown>,
      resuming: false,
    };
    const keep = new Map<number, InferEntry>();
    for (const j of jobs) keep.set(j.part, entries.get(j.part)!);
    const stats = await finishInfer(ctx, keep, 0);
    const started = attempt.records.map((r) => r.started_at).sort()[0];
    const latest = attempt.records.reduce((a, b) => (a.started_at >= b.started_at ? a : b));
    state.adopt('infer', attempt.key, latest.settings, started, { ...stats, shards: attempt.count });
    return { merged: true, summary: `infer: ${attempt.count} shards merged: ${jobs.length} parts, ${stats.rows.toLocaleString('en-US')} rows in ${stats.clusters} clusters` };
  });
}

/** Every sharded stage of OUTDIR, in stage order (empty when none ran sharded). */
export async function mergeAll(outDir: string, say: (m: string) => void = log, quiet = false): Promise<Merged[]> {
  const out: Merged[] = [];
  for (const m of [await mergeEmbed(outDir, say, quiet), await mergeInfer(outDir, say, quiet)]) if (m) out.push(m);
  return out;
}

