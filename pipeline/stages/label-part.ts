/**
 * Labels one embeddings part: projection, cluster assignment, and the outputs labels/part-N
 * (aligned with embeddings/part-N) and projection/part-N (the part's rows the map can draw,
 * chosen by id: core/util/id-sample.ts). Returns per-cluster counts and, when the clusterer has
 * no centres of its own (HDBSCAN: the means of its members), coordinate sums in the clustering space.
 */
import path from 'node:path';
import { LABELS, PROJECTION } from '../../schemas/tables.js';
import { partName, writeParquet } from '../../operators/parquet/parquet.js';
import { readEmbeddingPart } from '../../operators/parquet/read-embeddings.js';
import { idSample } from '../../core/util/id-sample.js';
import type { Labeler } from '../model/fitted-model.js';

export interface InferJob {
  part: number;
  file: string;
  /** Clusters of the model; labels are 0..k-1 or -1. */
  k: number;
  withSums: boolean;
  /** Rows given map coordinates: each kept with probability `fraction` by a hash of its id and `seed`. */
  map: { seed: number; fraction: number };
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
  const mapRows = idSample(part.ids, job.map.seed, job.map.fraction);
  const out = await labeler.label(part.values, part.rows, part.dims, mapRows);
  const name = partName(job.part);
  writeParquet(path.join(outDir, LABELS.path, name), LABELS, { id: part.ids, cluster: out.labels, probability: out.probabilities, reassigned: out.reassigned }, part.rows);
  const n = mapRows.length;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = out.xy[i * 2];
    y[i] = out.xy[i * 2 + 1];
  }
  writeParquet(path.join(outDir, PROJECTION.path, name), PROJECTION, { id: Array.from(mapRows, (r) => part.ids[r]), x, y }, n);

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
