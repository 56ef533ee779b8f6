/**
 * The embed pipeline and its write loop, once for the one-process stage and for each input
 * unit of a shard: read lines → extract text → embed new ids → write rows/ and embeddings/
 * parts, composed with stream.pipeline so a slow writer or model slows the reader
 * (backpressure). Memory holds one batch per step plus one part being filled.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Settings } from '../../schemas/config.js';
import { embedRows, type EmbeddedBatch } from '../../operators/embed/embed.js';
import type { EmbedPartsWriter, EmbedTotals } from '../../operators/embed/write-embed-parts.js';
import { httpBatchesInFlight } from '../../operators/embedders/openai-http.js';
import type { Embedder } from '../../operators/embedders/embedder.js';
import { extractTexts, type ExtractOptions } from '../../operators/input/extract-text.js';
import { TURN_LIST_KEY } from '../../core/text/chat-turns.js';
import { takeVectors, type PrecomputedVectors } from '../../operators/input/precomputed-vectors.js';
import { readLines, type ReadLinesOptions } from '../../operators/input/read-lines.js';
import type { RejectCounter } from '../../operators/input/reject-counter.js';
import type { IdSet } from '../../core/util/id-set.js';

/**
 * Parts are cut at batch ends (a batch's end is the resume point), so batches divide the
 * part: `--part-rows 1000` gives parts of 1,000 rows, not one 4,096-line batch.
 */
function batchLinesFor(partRows: number): number {
  const MAX = 4096;
  return Math.ceil(partRows / Math.ceil(partRows / MAX));
}

/**
 * How the settings pick each record's text and id. A chat format reads its usual list key
 * (messages, conversations) unless text_key names another.
 */
export function extractOptionsOf(s: Settings): ExtractOptions {
  const chat = s.format === 'text' ? undefined : { format: s.format, roles: s.roles, turns: s.turns };
  const keyPath = s.message_key ?? (chat && s.text_key === 'text' ? TURN_LIST_KEY[chat.format] : s.text_key);
  return { keyPath, chat, template: s.text_template, idKeyPath: s.id_key, idRequired: s.id_unique };
}

/** Records → rows with text (and, for precomputed vectors, each record's vector) → one vector per new id. */
function embedSteps(embedder: Embedder | PrecomputedVectors, s: Settings, seen: IdSet | undefined) {
  const extract = extractOptionsOf(s);
  if ('column' in embedder) {
    return [extractTexts({ ...extract, vectors: { keyPath: embedder.column, dims: embedder.dims } }), takeVectors(embedder.dims, { seen })] as const;
  }
  const inFlight = s.embedding_endpoint ? httpBatchesInFlight(s.max_concurrency, batchLinesFor(s.part_rows), s.request_batch_size) : 2;
  return [extractTexts(extract), embedRows(embedder, { batchSize: s.batch_size, inFlight, seen })] as const;
}

export interface EmbedStream {
  embedder: Embedder | PrecomputedVectors;
  settings: Settings;
  sources: readonly string[];
  /** Where reading starts and ends (a resume point, a unit's byte range); batch size and line limit come from the settings. */
  read: Omit<ReadLinesOptions, 'maxLineBytes' | 'batchLines' | 'csvDelimiter'>;
  /** Ids embedded before (kept parts, earlier units of the shard): not embedded again. */
  seen: IdSet | undefined;
  rejects: RejectCounter;
  writer: EmbedPartsWriter;
  /** Before a batch goes to the writer, which may cut a part and take its checkpoint. */
  reading?: (b: EmbeddedBatch) => void;
  /** After a batch is written and the reject rate checked. */
  written: (b: EmbeddedBatch) => void;
}

/** Runs the stream to its end; the writer's totals once every part is durable. A failure aborts the writer. */
export async function embedStream(o: EmbedStream): Promise<EmbedTotals> {
  const s = o.settings;
  try {
    await pipeline(
      Readable.from(readLines(o.sources, { ...o.read, maxLineBytes: s.max_line_bytes, batchLines: batchLinesFor(s.part_rows), csvDelimiter: s.csv_delimiter })),
      ...embedSteps(o.embedder, s, o.seen),
      async (batches: AsyncIterable<EmbeddedBatch>) => {
        for await (const b of batches) {
          o.rejects.add(b.linesRead, b.rejects);
          o.reading?.(b);
          await o.writer.write(b);
          o.rejects.check();
          o.written(b);
        }
      },
    );
    o.rejects.check(true);
  } catch (e) {
    await o.writer.abort();
    throw e;
  }
  return o.writer.finish();
}
