/**
 * How the embed stage splits: its units are byte ranges of the input cut at line starts
 * (operators/input/input-units.ts). A shard embeds each unit it owns as a small embed of
 * its own (the same stream as one process, embed-stream.ts) into parts named part-U-K, and
 * records progress/embed/unit-U.json once the unit's parts are durable; a rerun keeps
 * recorded units and redoes an unfinished one from its start. The merge keeps, for an id
 * embedded in more than one unit, the embedding of its first unit in input order (what one
 * process keeps: the first occurrence), rewriting the later parts without it (atomically,
 * so a merge can be rerun after a crash), and joins each unit's rejects in input order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IdSet } from '../../core/util/id-set.js';
import type { Settings } from '../../schemas/config.js';
import type { StageStats } from './index.js';
import type { embedStats } from './embed.js';
import { EMBEDDINGS, FILES, ROWS } from '../../schemas/tables.js';
import { EmbedPartsWriter } from '../../operators/embed/write-embed-parts.js';
import { addUsage, type Embedder, type ServedUsage, type UsageCounts } from '../../operators/embedders/embedder.js';
import { staticRecipe } from '../../operators/embedders/open-embedder.js';
import { statInputs } from '../../operators/input/input-identity.js';
import { countNewlines, listUnits, type InputUnit } from '../../operators/input/input-units.js';
import type { PrecomputedVectors } from '../../operators/input/precomputed-vectors.js';
import { resolveInputs } from '../../operators/input/read-lines.js';
import { RejectCounter } from '../../operators/input/reject-counter.js';
import { checkUserIds } from '../../operators/input/user-ids.js';
import { listParts, readParquet, stringsOf, vectorsOf, writeParquet } from '../../operators/parquet/parquet.js';
import { PartLedger } from '../../operators/store/part-ledger.js';
import { AtomicFileWriter, writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import type { StageRun, StageSplit, WorkUnit } from '../run/stage.js';
import { readUnitRecord, stageDir, unitFile, unitOfPart, unitPartName, unitPartPrefix, unitRejectsFile, type ShardRecord, type UnitRecord } from '../shard/shard-records.js';
import { embedStream } from './embed-stream.js';
import { servedStats } from './served-stats.js';

export const inputsOf = (s: Settings) => (s.input === undefined ? [] : Array.isArray(s.input) ? s.input : [s.input]);

type EmbedUnit = InputUnit & WorkUnit;

/** Removes what an unfinished attempt at this unit left: its parts (and their temp files), ledger and rejects. */
function clearUnit(outDir: string, unit: number): void {
  const prefix = unitPartPrefix(unit);
  for (const dir of [ROWS.path, EMBEDDINGS.path]) {
    const d = path.join(outDir, dir);
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) if (f.startsWith(prefix)) fs.rmSync(path.join(d, f), { force: true });
  }
  fs.rmSync(unitFile(outDir, unit).replace(/\.json$/, ''), { recursive: true, force: true });
  fs.rmSync(unitRejectsFile(outDir, unit), { force: true });
}

/** Embeds one unit from its start (`startLine`: the input line it starts at) and records it. */
async function embedUnit(ctx: StageRun, embedder: Embedder | PrecomputedVectors, key: string, seen: IdSet, u: InputUnit, startLine: number, onRows: (rows: number, bytes: number) => void): Promise<UnitRecord> {
  const { outDir, settings: s } = ctx;
  clearUnit(outDir, u.unit);
  const rejectsFile = unitRejectsFile(outDir, u.unit);
  writeFileAtomic(rejectsFile, '');
  const rejects = new RejectCounter(s.max_reject_rate, rejectsFile);
  // Units run one after another, so the counts between two readings are this unit's alone.
  const served = 'usage' in embedder ? embedder.usage?.() : undefined;
  const totals = await embedStream({
    embedder,
    settings: s,
    sources: [u.source],
    read: u.whole ? {} : { start: { position: { source: 0, line: startLine, byte: u.start, digestState: null }, digests: [] }, end: u.end },
    seen,
    rejects,
    writer: new EmbedPartsWriter({
      outDir,
      dims: embedder.dims,
      partRows: s.part_rows,
      rejectsFile,
      ledger: new PartLedger(unitFile(outDir, u.unit).replace(/\.json$/, '')),
      start: { parts: 0, rows: 0, embedded: 0, rejected: 0, rejectsBytes: 0 },
      checkpoint: () => ({}),
      partName: unitPartName(u.unit),
    }),
    written: (b) => onRows(b.ids.length, b.end.byte - u.start),
  });
  const st = fs.statSync(u.source);
  const record: UnitRecord = {
    unit: u.unit,
    key,
    source: path.relative(outDir, path.resolve(u.source)),
    start: u.start,
    end: u.end,
    size: st.size,
    mtime_ms: st.mtimeMs,
    lines_read: rejects.lines,
    rows: totals.rows,
    embedded: totals.embedded,
    rejected: totals.rejected,
    rejected_by_reason: rejects.byReason(),
    parts: totals.parts,
    ...(served && 'usage' in embedder ? { usage: addUsage(embedder.usage!(), served, -1) } : {}),
  };
  fs.rmSync(unitFile(outDir, u.unit).replace(/\.json$/, ''), { recursive: true, force: true });
  writeFileAtomic(unitFile(outDir, u.unit), JSON.stringify(record) + '\n');
  return record;
}

/** A recorded unit is kept when it was embedded under the same key from the same bytes. */
function isDone(r: UnitRecord | null, u: InputUnit, key: string, outDir: string): boolean {
  if (!r || r.key !== key || r.start !== u.start || r.end !== u.end || r.source !== path.relative(outDir, path.resolve(u.source))) return false;
  const st = fs.statSync(u.source);
  return r.size === st.size && r.mtime_ms === st.mtimeMs;
}

/** This shard's units in input order; ids it embedded in an earlier unit are not embedded again. */
async function embedUnits(ctx: StageRun, embedder: Embedder | PrecomputedVectors, mine: readonly EmbedUnit[], key: string) {
  const { outDir } = ctx;
  const progress = ctx.progress('embed', 'rows');
  const myBytes = mine.reduce((n, u) => n + (u.end - u.start), 0);
  let rows = 0;
  let bytesDone = 0;
  let kept = 0;
  let embedded = 0;
  const seen = new IdSet();
  let servedNow: ServedUsage | undefined;
  const opened = 'usage' in embedder ? embedder.usage?.() : undefined;
  // Line numbers: the newlines before each unit, counted over the bytes of other shards' units.
  const cursor = new Map<string, { at: number; lines: number }>();
  try {
    for (const u of mine) {
      const prior = readUnitRecord(outDir, u.unit);
      const c = cursor.get(u.source) ?? { at: 0, lines: 0 };
      if (isDone(prior, u, key, outDir)) {
        kept++;
        bytesDone += u.end - u.start;
        cursor.set(u.source, { at: u.end, lines: c.lines + (await countNewlines(u.source, c.at, u.start)) + prior!.lines_read });
        continue;
      }
      const startLine = u.whole ? 0 : c.lines + (await countNewlines(u.source, c.at, u.start));
      const before = bytesDone;
      const r = await embedUnit(ctx, embedder, key, seen, u, startLine, (n, b) => {
        rows += n;
        progress.update(rows, myBytes ? Math.min(1, (before + b) / myBytes) : null);
      });
      embedded += r.embedded;
      bytesDone += u.end - u.start;
      cursor.set(u.source, { at: u.end, lines: startLine + r.lines_read });
    }
  } finally {
    if ('close' in embedder) {
      servedNow = embedder.usage?.();
      await embedder.close();
    }
  }
  progress.done(rows);
  const sources = await resolveInputs(inputsOf(ctx.settings));
  return {
    facts: {
      dims: embedder.dims,
      model: embedder.model,
      model_revision: 'revision' in embedder ? (embedder.revision ?? null) : null,
      ...(servedNow && opened ? { served: { request_batch_size: servedNow.request_batch_size, server_kind: servedNow.server_kind, before_units: addUsage(undefined, opened), cost_per_million_tokens: ctx.settings.cost_per_million_tokens } } : {}),
      // The content digest needs the whole file, which no shard reads: a touched input is re-embedded.
      inputs: statInputs(sources, outDir).map((f) => ({ ...f, xxh3: '' })),
    },
    note: (kept > 0 ? ` (${kept} finished earlier, kept)` : '') + `, ${rows.toLocaleString('en-US')} rows read now, ${embedded.toLocaleString('en-US')} embedded`,
  };
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

const latestOf = (shards: readonly ShardRecord[]) => shards.reduce((a, b) => (a.started_at >= b.started_at ? a : b));

/** The unit records of the attempt, under its key. */
function unitRecords(outDir: string, shards: readonly ShardRecord[]): (UnitRecord | null)[] {
  const total = latestOf(shards).total;
  return Array.from({ length: total }, (_, u) => {
    const r = readUnitRecord(outDir, u);
    return r && r.key === shards[0].key ? r : null;
  });
}

/** Every unit's requests and tokens summed; the smallest request size any shard ended with; the server. */
function mergedUsage(units: readonly UnitRecord[], shards: readonly ShardRecord[], ctx: StageRun): Partial<StageStats<'embed'>> {
  // A shard whose server never refused or named itself knows no kind (auto); another may have learned it.
  const served = (shards.find((r) => r.served && r.served.server_kind !== 'unknown') ?? shards.find((r) => r.served))?.served;
  if (!served) return {};
  const zero: UsageCounts = { requests: 0, prompt_tokens: 0, total_tokens: 0, truncated: 0, too_long: 0 };
  const counts = [...units.map((u) => u.usage), ...shards.map((r) => r.served?.before_units)].reduce<UsageCounts>((sum, c) => (c ? addUsage(sum, c) : sum), zero);
  const requestSize = Math.min(...shards.flatMap((r) => (r.served ? [r.served.request_batch_size] : [])));
  return servedStats({ ...counts, request_batch_size: requestSize, server_kind: served.server_kind }, ctx.settings.cost_per_million_tokens ?? served.cost_per_million_tokens, ctx.log);
}

async function mergeUnits(ctx: StageRun, shards: readonly ShardRecord[]): Promise<{ stats: StageStats<'embed'>; summary: string }> {
  const { outDir } = ctx;
  const latest = latestOf(shards);
  const total = latest.total;
  const units = unitRecords(outDir, shards) as UnitRecord[];
  removeStaleUnits(outDir, total);
  const rows = units.reduce((n, u) => n + u.rows, 0);
  const seen = new IdSet(Math.max(1 << 16, rows));
  const progress = ctx.progress('merge embed', 'parts');
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
  const done = shards.find((r) => r.dims !== undefined)!;
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
    ...recipeStats(ctx.settings),
    inputs: latest.inputs ?? [],
    resumed_parts: 0,
    ...(ctx.settings.id_key === undefined ? {} : await checkUserIds(outDir, ctx.settings.id_key, ctx.settings.id_unique, ctx.log)),
    ...mergedUsage(units, shards, ctx),
  };
  return {
    stats,
    summary: `${total} input units, ${rows.toLocaleString('en-US')} rows, ${embedded.toLocaleString('en-US')} embedded (${rewritten} parts rewritten without ids an earlier unit embedded), ${files.length} parts`,
  };
}

/** `static_recipe` for the embed statistics, when the built-in model embedded (one process or merged shards alike). */
export function recipeStats(s: Settings): { static_recipe?: number } {
  const recipe = staticRecipe(s);
  return recipe === undefined ? {} : { static_recipe: recipe };
}

export const embedSplit: StageSplit<typeof embedStats, Embedder | PrecomputedVectors, EmbedUnit> = {
  noun: 'input units',
  units: async (ctx) => listUnits(await resolveInputs(inputsOf(ctx.settings)), ctx.settings.shard_unit_bytes).map((u) => ({ ...u, id: u.unit, from: u.unit })),
  run: embedUnits,
  unfinished: async (ctx, shards) => unitRecords(ctx.outDir, shards).flatMap((r, u) => (r ? [] : [{ id: u, from: u }])),
  merge: mergeUnits,
};
