/**
 * Precomputed embeddings (`--embedding-column`): the vector comes from each record (a
 * Parquet list/array column, or a JSON array in JSONL, at a key path) instead of a model.
 * extractTexts checks and normalises it (core/embedding/unit-vector.ts); this operator stands where
 * embedRows does and keeps the first vector of each id, as the model path embeds each
 * text once. The dimension is the first vector's, read before the run so the Parquet
 * writer and every later stage know it.
 */
import { getAtPath, parseKeyPath } from '../../core/text/key-path.js';
import { IdSet } from '../../core/util/id-set.js';
import type { EmbeddedBatch } from '../embed/embed.js';
import { parseRecord, type RowBatch } from './extract-text.js';
import { STDIN, readLines } from './read-lines.js';

export interface PrecomputedVectors {
  /** The key path the vectors are read from. */
  readonly column: string;
  readonly dims: number;
  /** What the manifest and saved cluster models name as the model. */
  readonly model: string;
}

/** The dimension of the first record that holds an array at `column`; fails when none does. */
export async function openPrecomputedVectors(sources: readonly string[], column: string, maxLineBytes: number, csvDelimiter?: string): Promise<PrecomputedVectors> {
  const path = parseKeyPath(column);
  if (sources.includes(STDIN)) {
    throw new Error('--embedding-column reads the vector dimension from the first record before the run, which stdin cannot give back: write the input to a file and pass that');
  }
  for await (const batch of readLines(sources, { maxLineBytes, batchLines: 256, csvDelimiter })) {
    for (const line of batch.lines) {
      let value: unknown;
      try {
        value = getAtPath(parseRecord(line).record, path);
      } catch {
        continue; // invalid JSON is rejected by the run itself
      }
      if (Array.isArray(value) && value.length > 0) return { column, dims: value.length, model: `precomputed:${column}` };
    }
  }
  throw new Error(`--embedding-column "${column}": no record holds an array there; check the column name (a Parquet list column, or a JSON array in JSONL)`);
}

/** Rows with their precomputed vectors in, the batch shape embedRows gives out: one vector per id, first occurrence. */
export function takeVectors(dims: number, options: { seen?: IdSet } = {}) {
  return async function* take(batches: AsyncIterable<RowBatch>): AsyncGenerator<EmbeddedBatch> {
    const seen = options.seen ?? new IdSet();
    for await (const batch of batches) {
      const given = batch.vectors;
      if (!given) throw new Error('takeVectors needs extractTexts({ vectors }) before it');
      const embeddedIds: string[] = [];
      const vectors = new Float32Array(given.length);
      for (let i = 0; i < batch.ids.length; i++) {
        if (!seen.add(batch.ids[i])) continue;
        vectors.set(given.subarray(i * dims, (i + 1) * dims), embeddedIds.length * dims);
        embeddedIds.push(batch.ids[i]);
      }
      yield { ...batch, embeddedIds, vectors: vectors.slice(0, embeddedIds.length * dims) };
    }
  };
}
