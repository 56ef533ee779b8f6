/** Writes a run folder's Parquet parts directly (rows/, embeddings/, labels/, dedup/), for operator tests that read a run. */
import path from 'node:path';
import { DEDUP, EMBEDDINGS, LABELS, ROWS } from '../../schemas/tables.js';
import { partName, writeParquet } from '../../operators/parquet/parquet.js';

export interface Row {
  id: string;
  text: string;
  source?: string;
  line: number;
}

export function writeRowsPart(out: string, part: number, rows: readonly Row[]): void {
  writeParquet(
    path.join(out, ROWS.path, partName(part)),
    ROWS,
    {
      id: rows.map((r) => r.id),
      text: rows.map((r) => r.text),
      record: rows.map((r) => JSON.stringify({ text: r.text, line: r.line })),
      source: rows.map((r) => r.source ?? 'in.jsonl'),
      line: Float64Array.from(rows, (r) => r.line),
    },
    rows.length,
  );
}

export function writeEmbeddingsPart(out: string, part: number, ids: readonly string[], values: Float32Array, dims: number): void {
  writeParquet(path.join(out, EMBEDDINGS.path, partName(part)), EMBEDDINGS, { id: ids, embedding: { values, dims } }, ids.length);
}

export function writeLabelsPart(out: string, part: number, ids: readonly string[], clusters: readonly number[]): void {
  const n = ids.length;
  writeParquet(path.join(out, LABELS.path, partName(part)), LABELS, { id: ids, cluster: Int32Array.from(clusters), probability: new Float32Array(n).fill(1), reassigned: new Uint8Array(n) }, n);
}

export function writeDedupPart(out: string, part: number, ids: readonly string[], kept: readonly boolean[]): void {
  const n = ids.length;
  writeParquet(
    path.join(out, DEDUP.path, partName(part)),
    DEDUP,
    { id: ids, cluster: new Int32Array(n), kept: Uint8Array.from(kept, Number), duplicate_of: kept.map((k) => (k ? null : ids[0])), similarity: new Float32Array(n).fill(NaN) },
    n,
  );
}
