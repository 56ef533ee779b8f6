/**
 * Labels one embeddings part: projection, cluster assignment, and the aligned outputs
 * labels/part-N and projection/part-N. Returns per-cluster counts and coordinate sums in
 * the clustering space, from which infer derives HDBSCAN cluster centres.
 */
import path from 'node:path';
import { LABELS, PROJECTION } from '../schemas/tables.js';
import { partName, writeParquet } from '../operators/parquet.js';
import { readEmbeddingPart } from '../operators/read-embeddings.js';
import type { Labeler } from './fitted-model.js';

export interface InferJob {
  part: number;
  file: string;
}

export interface InferResult {
  part: number;
  rows: number;
  spaceDims: number;
  /** Keyed by cluster id (≥ 0): rows and the sum of their clustering-space coordinates. */
  clusters: Map<number, { count: number; sum: Float64Array }>;
}

export async function labelPart(outDir: string, job: InferJob, labeler: Labeler): Promise<InferResult> {
  const part = readEmbeddingPart(job.file, job.part);
  const out = await labeler.label(part.values, part.rows, part.dims);
  const name = partName(job.part);
  writeParquet(path.join(outDir, LABELS.path, name), LABELS, { id: part.ids, cluster: out.labels, probability: out.probabilities }, part.rows);
  const x = new Float32Array(part.rows);
  const y = new Float32Array(part.rows);
  for (let i = 0; i < part.rows; i++) {
    x[i] = out.xy[i * 2];
    y[i] = out.xy[i * 2 + 1];
  }
  writeParquet(path.join(outDir, PROJECTION.path, name), PROJECTION, { id: part.ids, x, y }, part.rows);

  const clusters = new Map<number, { count: number; sum: Float64Array }>();
  const d = out.spaceDims;
  for (let i = 0; i < part.rows; i++) {
    const c = out.labels[i];
    if (c < 0) continue;
    let acc = clusters.get(c);
    if (!acc) clusters.set(c, (acc = { count: 0, sum: new Float64Array(d) }));
    acc.count++;
    for (let j = 0; j < d; j++) acc.sum[j] += out.space[i * d + j];
  }
  return { part: job.part, rows: part.rows, spaceDims: d, clusters };
}
