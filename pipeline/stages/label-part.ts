/**
 * Labels one embeddings part: projection, cluster assignment, and the aligned outputs
 * labels/part-N and projection/part-N. Returns per-cluster counts and, when the clusterer has
 * no centres of its own (HDBSCAN: the means of its members), coordinate sums in the clustering space.
 */
import path from 'node:path';
import { LABELS, PROJECTION } from '../../schemas/tables.js';
import { partName, writeParquet } from '../../operators/parquet/parquet.js';
import { readEmbeddingPart } from '../../operators/parquet/read-embeddings.js';
import type { Labeler } from '../model/fitted-model.js';

export interface InferJob {
  part: number;
  file: string;
  /** Clusters of the model; labels are 0..k-1 or -1. */
  k: number;
  withSums: boolean;
}

export interface PartSummary {
  part: number;
  rows: number;
  spaceDims: number;
  /** Rows per cluster (length k). */
  counts: Float64Array;
  /** k × spaceDims sums of clustering-space coordinates, when asked for. */
  sums: Float64Array | null;
}

export async function labelPart(outDir: string, job: InferJob, labeler: Labeler): Promise<PartSummary> {
  const part = readEmbeddingPart(job.file, job.part);
  const out = await labeler.label(part.values, part.rows, part.dims);
  const name = partName(job.part);
  writeParquet(path.join(outDir, LABELS.path, name), LABELS, { id: part.ids, cluster: out.labels, probability: out.probabilities, reassigned: out.reassigned }, part.rows);
  const x = new Float32Array(part.rows);
  const y = new Float32Array(part.rows);
  for (let i = 0; i < part.rows; i++) {
    x[i] = out.xy[i * 2];
    y[i] = out.xy[i * 2 + 1];
  }
  writeParquet(path.join(outDir, PROJECTION.path, name), PROJECTION, { id: part.ids, x, y }, part.rows);

  const d = out.spaceDims;
  const counts = new Float64Array(job.k);
  const sums = job.withSums ? new Float64Array(job.k * d) : null;
  for (let i = 0; i < part.rows; i++) {
    const c = out.labels[i];
    if (c < 0) continue;
    counts[c]++;
    if (sums) for (let j = 0; j < d; j++) sums[c * d + j] += out.space[i * d + j];
  }
  return { part: job.part, rows: part.rows, spaceDims: d, counts, sums };
}
