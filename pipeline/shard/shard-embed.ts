/**
 * `semclust embed IN… OUT --shard I/N`: embeds the input units that belong to shard I
 * (unit u mod N = I, see operators/input/input-units.ts) without touching manifest.json or any
 * other shard's files. Each unit is a small embed of its own — read its byte range, extract,
 * embed (ids this shard embedded before are not embedded again), write rows/ and
 * embeddings/ parts named part-U-K — recorded as progress/embed/unit-U.json once its parts
 * are durable. A rerun skips recorded units and redoes an unfinished one from its start.
 * `semclust merge` (or fit) checks every unit and records the stage (pipeline/shard/merge.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IdSet } from '../../core/util/id-set.js';
import { EMBEDDINGS, ROWS } from '../../schemas/tables.js';
import type { EmbeddedBatch } from '../../operators/embed/embed.js';
import type { Embedder } from '../../operators/embedders/embedder.js';
import type { PrecomputedVectors } from '../../operators/input/precomputed-vectors.js';
import { statInputs } from '../../operators/input/input-identity.js';
import { countNewlines, listUnits, type InputUnit } from '../../operators/input/input-units.js';
import { PartLedger } from '../../operators/store/part-ledger.js';
import { readLines, resolveInputs } from '../../operators/input/read-lines.js';
import { RejectCounter } from '../../operators/input/reject-counter.js';
import { EmbedPartsWriter } from '../../operators/embed/write-embed-parts.js';
import { RunState } from '../run/manifest.js';
import { Progress, log } from '../cli/progress.js';
import { type ShardRun, planShard, withShardLock } from './shard-run.js';
import { newShardRecord, readUnitRecord, unitFile, unitPartName, unitPartPrefix, unitRejectsFile, writeShardRecord, type UnitRecord } from './shard-records.js';
import { writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import { batchLinesFor, embedStage, embedSteps } from '../stages/embed.js';
import type { Settings } from '../../schemas/config.js';
import type { StageRun } from '../run/stage.js';

const inputsOf = (s: Settings) => (s.input === undefined ? [] : Array.isArray(s.input) ? s.input : [s.input]);

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

interface UnitContext {
  outDir: string;
  settings: Settings;
  embedder: Embedder | PrecomputedVectors;
  key: string;
  /** Ids this shard has embedded so far: a text repeated within the shard is embedded once. */
  seen: IdSet;
  onRows: (rows: number, bytes: number) => void;
}

async function embedUnit(c: UnitContext, u: InputUnit, startLine: number): Promise<UnitRecord> {
  const s = c.settings;
  clearUnit(c.outDir, u.unit);
  const rejectsFile = unitRejectsFile(c.outDir, u.unit);
  writeFileAtomic(rejectsFile, '');
  const rejects = new RejectCounter(s.max_reject_rate, rejectsFile);
  const writer = new EmbedPartsWriter({
    outDir: c.outDir,
    dims: c.embedder.dims,
    partRows: s.part_rows,
    rejectsFile,
    ledger: new PartLedger(unitFile(c.outDir, u.unit).replace(/\.json$/, '')),
    start: { parts: 0, rows: 0, embedded: 0, rejected: 0, rejectsBytes: 0 },
    checkpoint: () => ({}),
    partName: unitPartName(u.unit),
  });
  const batchLines = batchLinesFor(s.part_rows);
  try {
    await pipeline(
      Readable.from(
        readLines([u.source], {
          maxLineBytes: s.max_line_bytes,
          batchLines,
          start: u.whole ? undefined : { position: { source: 0, line: startLine, byte: u.start, digestState: null }, digests: [] },
          end: u.whole ? undefined : u.end,
        }),
      ),
      ...embedSteps(c.embedder, s, c.seen),
      async (batches: AsyncIterable<EmbeddedBatch>) => {
        for await (const b of batches) {
          rejects.add(b.linesRead, b.rejects);
          await writer.write(b);
          rejects.check();
          c.onRows(b.ids.length, b.end.byte - u.start);
        }
      },
    );
    rejects.check(true);
  } catch (e) {
    await writer.abort();
    throw e;
  }
  const totals = await writer.finish();
  const st = fs.statSync(u.source);
  const record: UnitRecord = {
    unit: u.unit,
    key: c.key,
    source: path.relative(c.outDir, path.resolve(u.source)),
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
  };
  fs.rmSync(unitFile(c.outDir, u.unit).replace(/\.json$/, ''), { recursive: true, force: true });
  writeFileAtomic(unitFile(c.outDir, u.unit), JSON.stringify(record) + '\n');
  return record;
}

/** A recorded unit is kept when it was embedded under the same key from the same bytes. */
function isDone(r: UnitRecord | null, u: InputUnit, key: string, outDir: string): boolean {
  if (!r || r.key !== key || r.start !== u.start || r.end !== u.end || r.source !== path.relative(outDir, path.resolve(u.source))) return false;
  const st = fs.statSync(u.source);
  return r.size === st.size && r.mtime_ms === st.mtimeMs;
}

export async function runEmbedShard(run: ShardRun): Promise<void> {
  const { outDir, shard } = run;
  const say = run.log ?? log;
  const plan = await planShard(run, 'embed');
  if (!plan) return;
  const s = plan.settings;
  await withShardLock(run, 'embed', async () => {
    const sources = await resolveInputs(inputsOf(s));
    const units = listUnits(sources, s.shard_unit_bytes);
    const mine = units.filter((u) => u.unit % shard.count === shard.index);
    const record = newShardRecord('embed', shard, {
      key: plan.key,
      settings: plan.recorded,
      shard_unit_bytes: s.shard_unit_bytes,
      total: units.length,
      owned: mine.map((u) => u.unit),
      // The content digest needs the whole file, which no shard reads: a touched input is re-embedded.
      inputs: statInputs(sources, outDir).map((f) => ({ ...f, xxh3: '' })),
    });
    writeShardRecord(outDir, record);
    const ctx: StageRun = {
      settings: s,
      outDir,
      state: RunState.open(outDir),
      log: say,
      progress: (stage, unit) => new Progress({ stage, unit, quiet: run.quiet ?? false }),
      quiet: run.quiet ?? false,
      ledger: new PartLedger(path.join(outDir, 'progress', 'embed')),
      resuming: false,
    };
    const embedder = await embedStage.prepare!(ctx);
    const progress = ctx.progress(`embed ${shard.index}/${shard.count}`, 'rows');
    const myBytes = mine.reduce((n, u) => n + (u.end - u.start), 0);
    let rows = 0;
    let bytesDone = 0;
    let kept = 0;
    let embedded = 0;
    const seen = new IdSet();
    // Line numbers: the newlines before each unit, counted over the bytes of other shards' units.
    const cursor = new Map<string, { at: number; lines: number }>();
    try {
      for (const u of mine) {
        const prior = readUnitRecord(outDir, u.unit);
        const c = cursor.get(u.source) ?? { at: 0, lines: 0 };
        if (isDone(prior, u, plan.key, outDir)) {
          kept++;
          bytesDone += u.end - u.start;
          cursor.set(u.source, { at: u.end, lines: c.lines + (await countNewlines(u.source, c.at, u.start)) + prior!.lines_read });
          continue;
        }
        const startLine = u.whole ? 0 : c.lines + (await countNewlines(u.source, c.at, u.start));
        const before = bytesDone;
        const r = await embedUnit({ outDir, settings: s, embedder, key: plan.key, seen, onRows: (n, b) => {
          rows += n;
          progress.update(rows, myBytes ? Math.min(1, (before + b) / myBytes) : null);
        } }, u, startLine);
        embedded += r.embedded;
        bytesDone += u.end - u.start;
        cursor.set(u.source, { at: u.end, lines: startLine + r.lines_read });
      }
    } finally {
      if ('close' in embedder) await embedder.close();
    }
    progress.done(rows);
    record.status = 'complete';
    record.finished_at = new Date().toISOString();
    record.dims = embedder.dims;
    record.model = embedder.model;
    record.model_revision = 'revision' in embedder ? (embedder.revision ?? null) : null;
    writeShardRecord(outDir, record);
    say(
      `embed shard ${shard.index}/${shard.count}: ${mine.length} of ${units.length} input units` +
        (kept > 0 ? ` (${kept} finished earlier, kept)` : '') +
        `, ${rows.toLocaleString('en-US')} rows read now, ${embedded.toLocaleString('en-US')} embedded; when every shard is done: semclust merge ${outDir}`,
    );
  });
}
