/**
 * SemDeDup's stored pairs (core/dedup/semdedup-pairs.ts), kept for a later ε: per cluster, the
 * ids it compared in visiting order and every (earlier, later) pair at cosine similarity ≥ the
 * floor 1 − E. The selection is a pure function of these and ε, so any ε ≤ E gives the table a
 * full run gives without reading an embedding. Stored with the key they came from
 * (OUTDIR/dedup-pairs.json: keep order, seed, bound and the infer run whose labels and vectors
 * they describe) and reused only when the key and the compared ids (the rows exact and fuzzy
 * left, in the same clusters) still match.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEDUP_PAIRS, FILES, LABELS } from '../../schemas/tables.js';
import type { SemDeDupPairs } from '../../core/dedup/semdedup-pairs.js';
import { readParquet, int32sOf, writeParquet } from '../parquet/parquet.js';
import { writeFileAtomic } from '../store/write-file-atomic.js';

/** One cluster's pairs; ids[r] is the row at rank r (pairs.order is the identity). */
export interface ClusterPairs {
  cluster: number;
  ids: string[];
  pairs: SemDeDupPairs;
}

/** Writes every cluster's pairs and, last, the key they were computed under. */
export function writeSemanticPairs(outDir: string, key: unknown, clusters: readonly ClusterPairs[]): void {
  // The key goes last: a key beside older pairs would claim them.
  fs.rmSync(path.join(outDir, FILES.dedupPairsKey), { force: true });
  const rows = clusters.reduce((t, c) => t + c.ids.length + c.pairs.earlier.length, 0);
  const id: (string | null)[] = new Array(rows);
  const cluster = new Int32Array(rows);
  const earlier = new Int32Array(rows);
  const similarity = new Float32Array(rows);
  let k = 0;
  for (const c of clusters) {
    const { start, earlier: e, similarity: s } = c.pairs;
    for (let r = 0; r < c.ids.length; r++) {
      [id[k], cluster[k], earlier[k], similarity[k]] = [c.ids[r], c.cluster, -1, NaN];
      k++;
      for (let p = start[r]; p < start[r + 1]; p++) {
        [id[k], cluster[k], earlier[k], similarity[k]] = [null, c.cluster, e[p], s[p]];
        k++;
      }
    }
  }
  writeParquet(path.join(outDir, DEDUP_PAIRS.path), DEDUP_PAIRS, { id, cluster, earlier, similarity }, rows);
  writeFileAtomic(path.join(outDir, FILES.dedupPairsKey), JSON.stringify(key));
}

/** Pairs were stored under `key` (the ids are checked by the caller against what it would compare). */
export function hasSemanticPairs(outDir: string, key: unknown): boolean {
  const keyFile = path.join(outDir, FILES.dedupPairsKey);
  return fs.existsSync(keyFile) && fs.existsSync(path.join(outDir, DEDUP_PAIRS.path)) && fs.readFileSync(keyFile, 'utf8') === JSON.stringify(key);
}

/** The stored pairs when they were computed under `key`; else null. */
export function readSemanticPairs(outDir: string, key: unknown): ClusterPairs[] | null {
  if (!hasSemanticPairs(outDir, key)) return null;
  const table = readParquet(path.join(outDir, DEDUP_PAIRS.path));
  const ids = table.getChild(DEDUP_PAIRS.col.id)!.toArray() as (string | null)[];
  const cluster = int32sOf(table, DEDUP_PAIRS.col.cluster);
  const earlier = int32sOf(table, DEDUP_PAIRS.col.earlier);
  const similarity = Float32Array.from(table.getChild(DEDUP_PAIRS.col.similarity)!.toArray() as Float32Array);
  const out: ClusterPairs[] = [];
  let k = 0;
  while (k < ids.length) {
    const c = cluster[k];
    const clusterIds: string[] = [];
    const start: number[] = [];
    const e: number[] = [];
    const s: number[] = [];
    for (; k < ids.length && cluster[k] === c; k++) {
      const id = ids[k];
      if (id !== null) {
        clusterIds.push(id);
        start.push(e.length);
      } else {
        e.push(earlier[k]);
        s.push(similarity[k]);
      }
    }
    start.push(e.length);
    const order = Uint32Array.from({ length: clusterIds.length }, (_, i) => i);
    out.push({ cluster: c, ids: clusterIds, pairs: { order, start: Int32Array.from(start), earlier: Int32Array.from(e), similarity: Float32Array.from(s) } });
  }
  return out;
}

/**
 * The stored pairs describe exactly the ids a run would compare now: the same ids in the same
 * clusters (`compared`: id → cluster of every id semantic dedup would compare).
 */
export function pairsCover(stored: readonly ClusterPairs[], compared: ReadonlyMap<string, number>): boolean {
  let n = 0;
  for (const c of stored) {
    for (const id of c.ids) if (compared.get(id) !== c.cluster) return false;
    n += c.ids.length;
  }
  return n === compared.size;
}

/** Every id's cluster from labels/ (−1 noise): what the reuse path reads instead of the embeddings. */
export async function labelClusters(conn: DuckDBConnection): Promise<Map<string, number>> {
  const l = LABELS.col;
  const reader = await conn.runAndReadAll(`SELECT ${l.id}, ${l.cluster} FROM ${LABELS.name}`);
  const out = new Map<string, number>();
  for (const [id, c] of reader.getRows()) out.set(id as string, c as number);
  return out;
}
