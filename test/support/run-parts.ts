/** Writes a run folder's Parquet files directly (rows/, embeddings/, labels/, projection/, dedup/ parts, clusters.parquet, sample.parquet), for operator tests that read a run. */
import path from 'node:path';
import { CLUSTERS, DEDUP, EMBEDDINGS, LABELS, PROJECTION, ROWS, SAMPLE } from '../../schemas/tables.js';
import { partName, writeParquet } from '../../operators/parquet/parquet.js';

export interface Row {
  id: string;
  text: string;
  source?: string;
  line: number;
  /** The original record (default { text, line }). */
  record?: unknown;
}

export function writeRowsPart(out: string, part: number, rows: readonly Row[]): void {
  writeParquet(
    path.join(out, ROWS.path, partName(part)),
    ROWS,
    {
      id: rows.map((r) => r.id),
      text: rows.map((r) => r.text),
      record: rows.map((r) => JSON.stringify(r.record ?? { text: r.text, line: r.line })),
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

export function writeProjectionPart(out: string, part: number, ids: readonly string[], x: Float32Array, y: Float32Array): void {
  writeParquet(path.join(out, PROJECTION.path, partName(part)), PROJECTION, { id: ids, x, y }, ids.length);
}

export function writeDedupPart(out: string, part: number, ids: readonly string[], kept: readonly boolean[]): void {
  const n = ids.length;
  writeParquet(
    path.join(out, DEDUP.path, partName(part)),
    DEDUP,
    {
      id: ids,
      source: ids.map(() => 'in.jsonl'),
      line: Float64Array.from(ids, (_, i) => i + 1),
      cluster: new Int32Array(n),
      kept: Uint8Array.from(kept, Number),
      reason: kept.map((k) => (k ? null : 'semantic')),
      group_id: kept.map((k, i) => (k ? ids[i] : ids[0])),
      duplicate_of: kept.map((k) => (k ? null : ids[0])),
      similarity: new Float32Array(n).fill(NaN),
      jaccard: new Float32Array(n).fill(NaN),
      reference: ids.map(() => null),
    },
    n,
  );
}

/** clusters.parquet with the given centroids (the descriptive columns left empty). */
export function writeClusters(out: string, clusterIds: readonly number[], centroids: Float32Array, dims: number): void {
  const n = clusterIds.length;
  writeParquet(
    path.join(out, CLUSTERS.path),
    CLUSTERS,
    {
      cluster: Int32Array.from(clusterIds),
      size: new Float64Array(n),
      centroid: { values: centroids, dims },
      keywords: clusterIds.map(() => []),
      keyword_scores: clusterIds.map(() => new Float32Array(0)),
      representative_ids: clusterIds.map(() => []),
      representatives: clusterIds.map(() => []),
      label: clusterIds.map(() => ''),
    },
    n,
  );
}

/** sample.parquet with the given picks. */
export function writeSample(out: string, picks: readonly { id: string; cluster: number; pick: number }[]): void {
  writeParquet(path.join(out, SAMPLE.path), SAMPLE, { id: picks.map((p) => p.id), cluster: Int32Array.from(picks, (p) => p.cluster), pick: Int32Array.from(picks, (p) => p.pick) }, picks.length);
}
