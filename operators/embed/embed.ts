/**
 * The embed operator: rows in, rows plus vectors for the ids not seen before out.
 * Identical texts share an id and are embedded once. A text the backend refuses as too
 * long (a served model under --truncate reject) turns its rows, and later rows of the same
 * text, into rejects with reason too_long.
 */
import { IdSet } from '../../core/util/id-set.js';
import type { Embedder } from '../embedders/embedder.js';
import type { RowBatch } from '../input/extract-text.js';
import type { Reject } from '../input/reject.js';
import { mapOrdered } from './map-ordered.js';

export interface EmbeddedBatch extends RowBatch {
  /** Ids embedded in this batch (first occurrences), row-aligned with `vectors`. */
  embeddedIds: string[];
  vectors: Float32Array;
}

export interface EmbedOptions {
  batchSize: number;
  /** Batches in flight: lets parsing overlap model work, and fills an HTTP server's queue. */
  inFlight?: number;
  /** Ids embedded before (a resumed run's kept parts): not embedded again. */
  seen?: IdSet;
}

/** The error with the input lines of the batch it happened in, so the rows can be found. */
function where(err: Error, batch: RowBatch): Error {
  const n = batch.lines.length;
  if (n === 0) return err;
  const span = `${batch.sources[0]}:${batch.lines[0]} to ${batch.sources[n - 1]}:${batch.lines[n - 1]}`;
  return new Error(`${err.message} [the batch holds the rows of ${span}]`, { cause: err });
}

/**
 * Non-finite vectors are never written, whatever the backend (issue 18 item 4): a NaN or
 * infinite value from a local model (damaged weights, an fp16 overflow) stops the run naming
 * the model and the row, as the HTTP and precomputed paths already refuse such vectors.
 */
function requireFinite(vectors: Float32Array, dims: number, rows: readonly number[], batch: RowBatch, model: string): void {
  for (let i = 0; i < vectors.length; i++) {
    if (Number.isFinite(vectors[i])) continue;
    const first = Math.floor(i / dims);
    let bad = 0;
    for (let r = first; r < rows.length; r++) if (!vectors.subarray(r * dims, (r + 1) * dims).every(Number.isFinite)) bad++;
    const row = rows[first];
    throw new Error(
      `embedding model ${model} gave a vector holding ${vectors[i]} for the row at ${batch.sources[row]}:${batch.lines[row]} (${bad} of the batch's ${rows.length} vectors are not finite); ` +
        'nothing of this batch is written. The model is damaged or overflows in its precision: download it again, try --dtype fp32 or another model',
    );
  }
}

export function embedRows(embedder: Embedder, options: EmbedOptions) {
  return function embed(batches: AsyncIterable<RowBatch>): AsyncGenerator<EmbeddedBatch> {
    const seen = options.seen ?? new IdSet();
    const dims = embedder.dims;
    /** Ids refused as too long, and why: their later duplicates are rejected too (few: 0.1% of rows is a lot). */
    const refused = new Map<string, string>();
    return mapOrdered(batches, options.inFlight ?? 2, async (batch) => {
      const embeddedIds: string[] = [];
      const texts: string[] = [];
      const rows: number[] = [];
      for (let i = 0; i < batch.ids.length; i++) {
        if (seen.add(batch.ids[i])) {
          embeddedIds.push(batch.ids[i]);
          texts.push(batch.texts[i]);
          rows.push(i);
        }
      }
      const vectors = new Float32Array(texts.length * dims);
      const chunks: Promise<void>[] = [];
      const tooLong: number[] = [];
      for (let start = 0; start < texts.length; start += options.batchSize) {
        const slice = texts.slice(start, start + options.batchSize);
        if (embedder.embedChecked) {
          chunks.push(
            embedder.embedChecked(slice).then((r) => {
              vectors.set(r.vectors, start * dims);
              for (const t of r.tooLong) {
                tooLong.push(start + t.index);
                refused.set(embeddedIds[start + t.index], t.detail);
              }
            }),
          );
        } else chunks.push(embedder.embed(slice).then((v) => vectors.set(v, start * dims)));
      }
      try {
        await Promise.all(chunks);
      } catch (e) {
        throw where(e as Error, batch);
      }
      requireFinite(vectors, dims, rows, batch, embedder.model);
      if (refused.size === 0) return { ...batch, embeddedIds, vectors };
      return dropRefused(batch, embeddedIds, vectors, dims, new Set(tooLong), refused);
    });
  };
}

/** The batch without the rows whose text was refused (now rejects), and without their vectors. */
function dropRefused(batch: RowBatch, embeddedIds: string[], vectors: Float32Array, dims: number, refusedHere: ReadonlySet<number>, refused: ReadonlyMap<string, string>): EmbeddedBatch {
  const out: EmbeddedBatch = { ...batch, ids: [], texts: [], records: [], sources: [], lines: [], userIds: [], rejects: [...batch.rejects], embeddedIds: [], vectors };
  for (let i = 0; i < batch.ids.length; i++) {
    const detail = refused.get(batch.ids[i]);
    if (detail === undefined) {
      out.ids.push(batch.ids[i]);
      out.texts.push(batch.texts[i]);
      out.records.push(batch.records[i]);
      out.sources.push(batch.sources[i]);
      out.lines.push(batch.lines[i]);
      out.userIds!.push(batch.userIds?.[i] ?? null);
    } else out.rejects.push({ source: batch.sources[i], line: batch.lines[i], reason: 'too_long', detail } satisfies Reject);
  }
  if (refusedHere.size === 0) return { ...out, embeddedIds };
  const kept = new Float32Array((embeddedIds.length - refusedHere.size) * dims);
  let k = 0;
  embeddedIds.forEach((id, j) => {
    if (refusedHere.has(j)) return;
    out.embeddedIds.push(id);
    kept.set(vectors.subarray(j * dims, (j + 1) * dims), k++ * dims);
  });
  out.vectors = kept;
  return out;
}
