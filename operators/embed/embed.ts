/**
 * The embed operator: rows in, rows plus vectors for the ids not seen before out.
 * Identical texts share an id and are embedded once.
 */
import { IdSet } from '../../core/util/id-set.js';
import type { Embedder } from '../embedders/embedder.js';
import type { RowBatch } from '../input/extract-text.js';
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

export function embedRows(embedder: Embedder, options: EmbedOptions) {
  return function embed(batches: AsyncIterable<RowBatch>): AsyncGenerator<EmbeddedBatch> {
    const seen = options.seen ?? new IdSet();
    const dims = embedder.dims;
    return mapOrdered(batches, options.inFlight ?? 2, async (batch) => {
      const embeddedIds: string[] = [];
      const texts: string[] = [];
      for (let i = 0; i < batch.ids.length; i++) {
        if (seen.add(batch.ids[i])) {
          embeddedIds.push(batch.ids[i]);
          texts.push(batch.texts[i]);
        }
      }
      const vectors = new Float32Array(texts.length * dims);
      const chunks: Promise<void>[] = [];
      for (let start = 0; start < texts.length; start += options.batchSize) {
        const slice = texts.slice(start, start + options.batchSize);
        chunks.push(embedder.embed(slice).then((v) => vectors.set(v, start * dims)));
      }
      try {
        await Promise.all(chunks);
      } catch (e) {
        throw where(e as Error, batch);
      }
      return { ...batch, embeddedIds, vectors };
    });
  };
}
