/**
 * Stage 1: JSONL → rows/ and embeddings/ Parquet parts (+ rejects.jsonl), as one
 * backpressured stream: read lines → extract text → embed → write parts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FILES } from '../../schemas/tables.js';
import { embedRows, type EmbeddedBatch } from '../../operators/embed.js';
import { STATIC_MODEL, openEmbedder } from '../../operators/embedders/open-embedder.js';
import { RECIPE_REVISION } from '../../operators/embedders/static-model.js';
import { openEmbedderInWorker } from '../../operators/embedders/worker-embedder.js';
import { extractTexts } from '../../operators/extract-text.js';
import { STDIN, readLines, resolveInputs, totalInputBytes } from '../../operators/read-lines.js';
import { REJECT_HINTS, type Reject, type RejectReason } from '../../operators/reject.js';
import { EmbedPartsWriter } from '../../operators/write-embed-parts.js';
import { stageKey } from '../manifest.js';
import { Progress } from '../progress.js';
import type { StageContext } from '../stage-context.js';

/** The reject-rate check waits for this many lines so a bad first line cannot stop a run. */
const MIN_LINES_FOR_RATE = 1000;

export class RejectRateError extends Error {}

function rejectReport(counts: Map<RejectReason, { n: number; first: Reject }>, rejected: number, lines: number, limit: number, rejectsFile: string): string {
  const parts = [...counts.entries()]
    .sort((a, b) => b[1].n - a[1].n)
    .map(([reason, { n, first }]) => `  ${reason}: ${n} (first at ${first.source}:${first.line}: ${first.detail}) — ${REJECT_HINTS[reason]}`);
  return [
    `${rejected} of ${lines} lines rejected (${((rejected / lines) * 100).toFixed(1)}%), above --max-reject-rate ${limit}.`,
    ...parts,
    `Every rejected line is listed in ${rejectsFile}. Fix the input or the key path, or raise --max-reject-rate.`,
  ].join('\n');
}

export async function embedStage(ctx: StageContext): Promise<void> {
  const s = ctx.settings;
  if (!s.input) throw new Error('no input: give JSONL files, globs or "-" for stdin');
  const inputs = Array.isArray(s.input) ? s.input : [s.input];
  const sources = await resolveInputs(inputs);
  const keyPath = s.message_key ?? s.text_key;
  const params = {
    // Files are identified by path, size and mtime; stdin cannot be, so it always re-embeds.
    inputs: sources.map((f) => {
      if (f === STDIN) return { stdin: Date.now() };
      const st = fs.statSync(f);
      return { file: path.resolve(f), size: st.size, mtime: st.mtimeMs };
    }),
    key_path: keyPath,
    max_line_bytes: s.max_line_bytes,
    embedding_model: s.embedding_model,
    // A new built-in recipe gives different vectors, so it must not reuse old embeddings.
    static_recipe: s.embedding_model === STATIC_MODEL && !s.embedding_endpoint ? RECIPE_REVISION : null,
    embedding_endpoint: s.embedding_endpoint ?? null,
    // issue 12: the hub revision and weights file pick the vectors, so they key the stage.
    revision: s.revision ?? null,
    dtype: s.dtype,
    pooling: s.pooling ?? null,
    max_length: s.max_length ?? null,
    part_rows: s.part_rows,
  };
  const key = stageKey(params, null);
  if (ctx.state.isComplete('embed', key)) {
    ctx.log('embed: complete for these inputs and settings, skipped');
    return;
  }
  ctx.state.begin('embed', key, params, s);

  const modelProgress = new Progress({ stage: 'embed: preparing model', unit: 'steps', quiet: ctx.quiet });
  // Local models run in a worker thread; a remote server needs no thread of its own.
  const open = s.embedding_endpoint ? openEmbedder : openEmbedderInWorker;
  const embedder = await open(s, { onProgress: (e) => modelProgress.update(e.done, e.total ? e.done / e.total : null) });
  const rejectsFile = path.join(ctx.outDir, FILES.rejects);
  fs.writeFileSync(rejectsFile, '');
  const writer = new EmbedPartsWriter(ctx.outDir, embedder.dims, s.part_rows, rejectsFile);
  const totalBytes = totalInputBytes(sources);
  const progress = new Progress({ stage: 'embed', unit: 'rows', quiet: ctx.quiet });
  const counts = new Map<RejectReason, { n: number; first: Reject }>();
  let lines = 0;
  let rejected = 0;

  try {
    await pipeline(
      Readable.from(readLines(sources, { maxLineBytes: s.max_line_bytes, stdin: ctx.stdin })),
      extractTexts({ keyPath }),
      embedRows(embedder, { batchSize: s.batch_size, inFlight: s.embedding_endpoint ? s.max_concurrency : 2 }),
      async (batches: AsyncIterable<EmbeddedBatch>) => {
        for await (const b of batches) {
          await writer.write(b);
          lines += b.linesRead;
          rejected += b.rejects.length;
          for (const r of b.rejects) {
            const c = counts.get(r.reason);
            if (c) c.n++;
            else counts.set(r.reason, { n: 1, first: r });
          }
          if (lines >= MIN_LINES_FOR_RATE && rejected / lines > s.max_reject_rate) {
            throw new RejectRateError(rejectReport(counts, rejected, lines, s.max_reject_rate, rejectsFile));
          }
          progress.update(lines, totalBytes ? b.bytesRead / totalBytes : null);
        }
      },
    );
  } catch (e) {
    await writer.abort();
    throw e;
  } finally {
    await embedder.close();
  }
  if (lines > 0 && rejected / lines > s.max_reject_rate) {
    await writer.abort();
    throw new RejectRateError(rejectReport(counts, rejected, lines, s.max_reject_rate, rejectsFile));
  }
  const summary = await writer.finish();
  progress.done(lines);
  ctx.state.complete('embed', {
    lines_read: lines,
    rows: summary.rows,
    rejected,
    rejected_by_reason: Object.fromEntries([...counts].map(([k, v]) => [k, v.n])),
    embedded: summary.embedded,
    duplicates: summary.rows - summary.embedded,
    parts: summary.parts,
    dims: embedder.dims,
    model: embedder.model,
    // issue 12: the commit a hub model resolved to; pass it back as `revision` to rerun on the same weights.
    model_revision: embedder.revision ?? null,
  });
}
