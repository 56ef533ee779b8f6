/**
 * Reading the embeddings table back: part by part (streaming, one part in memory), or a
 * seeded subset of rows gathered across parts (for fitting on a sample).
 */
import path from 'node:path';
import { EMBEDDINGS } from '../../schemas/tables.js';
import { listParts, readParquet, stringsOf, vectorsOf } from './parquet.js';

export interface EmbeddingPart {
  /** Part number: labels/ and projection/ parts written from it keep it, so they line up. */
  index: number;
  file: string;
  ids: string[];
  values: Float32Array;
  dims: number;
  rows: number;
}

export function embeddingPartFiles(outDir: string): string[] {
  const files = listParts(path.join(outDir, EMBEDDINGS.path));
  if (files.length === 0) throw new Error(`${outDir} has no embeddings: run semclust embed first`);
  return files;
}

export function readEmbeddingPart(file: string, index: number, withIds = true): EmbeddingPart {
  const columns = withIds ? [EMBEDDINGS.col.id, EMBEDDINGS.col.embedding] : [EMBEDDINGS.col.embedding];
  const table = readParquet(file, columns);
  const v = vectorsOf(table, EMBEDDINGS.col.embedding);
  return { index, file, ids: withIds ? stringsOf(table, EMBEDDINGS.col.id) : [], values: v.values, dims: v.dims, rows: v.length };
}

/** The rows at the given global indices (sorted ascending), as one n × d matrix. */
export function gatherRows(outDir: string, sortedIndices: Uint32Array): { values: Float32Array; dims: number; rows: number } {
  let out: Float32Array | null = null;
  let dims = 0;
  let base = 0;
  let k = 0;
  for (const file of embeddingPartFiles(outDir)) {
    if (k >= sortedIndices.length) break;
    const part = readEmbeddingPart(file, 0, false);
    dims = part.dims;
    out ??= new Float32Array(sortedIndices.length * dims);
    while (k < sortedIndices.length && sortedIndices[k] < base + part.rows) {
      const r = sortedIndices[k] - base;
      out.set(part.values.subarray(r * dims, (r + 1) * dims), k * dims);
      k++;
    }
    base += part.rows;
  }
  if (!out || k !== sortedIndices.length) throw new Error(`embeddings hold fewer rows than expected (${base}); rerun semclust embed`);
  return { values: out, dims, rows: sortedIndices.length };
}

/**
 * Every embedding of a run by id, and the ids in part order: for comparing two runs (tests,
 * fault and eval scripts). Holds the whole table: not for the pipeline itself.
 */
export function embeddingsById(outDir: string): { ids: string[]; byId: Map<string, Float32Array> } {
  const ids: string[] = [];
  const byId = new Map<string, Float32Array>();
  for (const file of embeddingPartFiles(outDir)) {
    const t = readParquet(file);
    const v = vectorsOf(t, EMBEDDINGS.col.embedding);
    stringsOf(t, EMBEDDINGS.col.id).forEach((id, i) => {
      ids.push(id);
      byId.set(id, v.values.slice(i * v.dims, (i + 1) * v.dims));
    });
  }
  return { ids, byId };
}
