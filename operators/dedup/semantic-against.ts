/**
 * Semantic matching against a reference set (--against with the semantic method): the
 * reference rows are embedded with OUTDIR's own embedder through the embed operator
 * (operators/embed/embed.ts: identical texts once, batches in flight), then every embedding
 * of OUTDIR, part by part, is scored against all reference vectors in blocks on the SemDeDup
 * kernel (core/kernels/kept-similarity.ts: one MatMul + ReduceMax + ArgMax, only the best
 * similarity and its reference row come back). An id whose best similarity is ≥ 1 − ε
 * duplicates that reference row. Unlike SemDeDup within the input there is no cluster to
 * block by: the reference is one block of m rows, so memory is the reference's m × d vectors
 * plus b × m scores per block, b chosen to keep those under 64 MiB.
 */
import { KeptSimilarity } from '../../core/kernels/kept-similarity.js';
import { SemclustError } from '../../core/util/semclust-error.js';
import type { Embedder } from '../embedders/embedder.js';
import { embedRows } from '../embed/embed.js';
import type { RowBatch } from '../input/extract-text.js';
import { embeddingPartFiles, readEmbeddingPart } from '../parquet/read-embeddings.js';
import { sessionThreads } from '../workers/threads.js';
import type { ReferenceBatch } from './read-reference.js';

/** An id of OUTDIR at ≥ 1 − ε to a reference row: that row's id, where it is, and the similarity. */
export interface ReferenceMatch {
  id: string;
  where: string;
  similarity: number;
}

const MAX_SCORES = 16 << 20;

/** The embed operator takes rows with their places; a reference batch is rows without a resume point. */
function asRows(b: ReferenceBatch): RowBatch {
  return {
    ids: b.ids,
    texts: b.texts,
    records: [],
    sources: b.where,
    lines: b.ids.map(() => 0),
    rejects: [],
    linesRead: b.ids.length,
    bytesRead: 0,
    end: { source: 0, line: 0, byte: 0, digestState: null },
    digests: [],
  };
}

export async function semanticAgainst(
  outDir: string,
  batches: AsyncIterable<ReferenceBatch>,
  embedder: Embedder,
  o: { epsilon: number; batchSize: number; threads?: number; skip: (id: string) => boolean },
): Promise<{ matches: Map<string, ReferenceMatch>; rows: number }> {
  const d = embedder.dims;
  // One vector per distinct reference text, and its first row's id and place.
  const refIds: string[] = [];
  const refWhere: string[] = [];
  let vectors = new Float32Array(1024 * d);
  let read = 0;
  async function* rows() {
    for await (const b of batches) {
      read += b.ids.length;
      yield asRows(b);
    }
  }
  for await (const e of embedRows(embedder, { batchSize: o.batchSize })(rows())) {
    const whereOf = new Map<string, string>();
    e.ids.forEach((id, i) => void (whereOf.has(id) || whereOf.set(id, e.sources[i])));
    for (let k = 0; k < e.embeddedIds.length; k++) {
      const m = refIds.length;
      if ((m + 1) * d > vectors.length) {
        const grown = new Float32Array(vectors.length * 2);
        grown.set(vectors);
        vectors = grown;
      }
      vectors.set(e.vectors.subarray(k * d, (k + 1) * d), m * d);
      refIds.push(e.embeddedIds[k]);
      refWhere.push(whereOf.get(e.embeddedIds[k])!);
    }
  }
  const m = refIds.length;
  const matches = new Map<string, ReferenceMatch>();
  if (m === 0) return { matches, rows: read };
  const kernel = await KeptSimilarity.create(d, sessionThreads(o.threads));
  try {
    const b = Math.max(1, Math.min(1024, Math.floor(MAX_SCORES / m)));
    for (const [index, file] of embeddingPartFiles(outDir).entries()) {
      const part = readEmbeddingPart(file, index);
      if (part.dims !== d) throw new SemclustError(`--against: ${file} holds ${part.dims}-dimensional vectors, the embedder gives ${d}; the run's model changed since embed`);
      const todo: number[] = [];
      for (let i = 0; i < part.rows; i++) if (!o.skip(part.ids[i])) todo.push(i);
      const block = new Float32Array(b * d);
      for (let start = 0; start < todo.length; start += b) {
        const n = Math.min(b, todo.length - start);
        for (let k = 0; k < n; k++) block.set(part.values.subarray(todo[start + k] * d, (todo[start + k] + 1) * d), k * d);
        const { best, arg } = await kernel.run(block, n, vectors, m);
        for (let k = 0; k < n; k++) if (best[k] >= 1 - o.epsilon) matches.set(part.ids[todo[start + k]], { id: refIds[arg[k]], where: refWhere[arg[k]], similarity: best[k] });
      }
    }
  } finally {
    await kernel.close();
  }
  return { matches, rows: read };
}
