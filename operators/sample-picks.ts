/**
 * The sample stage's I/O, driven by DuckDB over the run folder's views: per-cluster quotas
 * joined to the labels, seeded random picks as a seeded hash order of ids within each
 * cluster, and — for diverse picks — each wanted cluster's rows written by one partitioned
 * COPY, then read back one cluster at a time for the farthest-point traversal. Memory holds
 * one cluster's vectors, never the dataset.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CLUSTERS, EMBEDDINGS, LABELS, ROWS, SAMPLE } from '../schemas/tables.js';
import { readParquet, stringsOf, vectorsOf } from './parquet.js';
import { AtomicFileWriter } from './write-file-atomic.js';

export interface Pick {
  id: string;
  cluster: number;
  pick: number;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Loads (cluster, quota) as a temporary table `quotas` (only clusters with a quota > 0). */
export async function loadQuotas(conn: DuckDBConnection, clusterIds: Int32Array, quotas: Int32Array): Promise<void> {
  await conn.run('CREATE OR REPLACE TEMP TABLE quotas (cluster INTEGER, quota INTEGER)');
  const values: string[] = [];
  clusterIds.forEach((c, j) => quotas[j] > 0 && values.push(`(${c}, ${quotas[j]})`));
  for (let i = 0; i < values.length; i += 10_000) await conn.run(`INSERT INTO quotas VALUES ${values.slice(i, i + 10_000).join(', ')}`);
}

/**
 * Seeded random picks: ids ordered by md5(seed:id) within each cluster, the first `quota`
 * taken. md5 is stable across DuckDB versions and reproducible in any language.
 */
export async function randomPicks(conn: DuckDBConnection, seed: number): Promise<Pick[]> {
  const l = LABELS.col;
  const r = await conn.runAndReadAll(`
    SELECT ${l.id}, ${l.cluster}, (row_number() OVER (PARTITION BY ${l.cluster} ORDER BY md5(${sqlString(`${seed}:`)} || ${l.id})) - 1)::INTEGER AS pick
    FROM ${LABELS.name} JOIN quotas USING (${l.cluster})
    QUALIFY pick < quota`);
  return r.getRowsJS().map(([id, cluster, pick]) => ({ id: id as string, cluster: Number(cluster), pick: Number(pick) }));
}

export interface ClusterRows {
  cluster: number;
  ids: string[];
  values: Float32Array;
  dims: number;
}

/**
 * Writes each wanted cluster's (id, embedding) into spillDir/cluster=C/ with one
 * partitioned COPY, then yields the clusters one at a time, rows ordered by id so the
 * traversal does not depend on DuckDB's thread interleaving.
 */
export async function* clusterRows(conn: DuckDBConnection, spillDir: string): AsyncGenerator<ClusterRows> {
  fs.rmSync(spillDir, { recursive: true, force: true });
  // Removed on every way out: success, a failed COPY (a full disk), or a consumer that stops early.
  try {
    const l = LABELS.col;
    const e = EMBEDDINGS.col;
    // Flush partitions often: each open partition buffers rows × dims floats.
    await conn.run(`SET partitioned_write_flush_threshold = 16384`);
    await conn.run(`
      COPY (SELECT l.${l.cluster} AS cluster, e.${e.id} AS id, e.${e.embedding} AS embedding
            FROM ${EMBEDDINGS.name} e JOIN ${LABELS.name} l USING (${e.id}) WHERE l.${l.cluster} IN (SELECT cluster FROM quotas))
      TO ${sqlString(spillDir)} (FORMAT parquet, PARTITION_BY (cluster))`);
    const clusters = fs.existsSync(spillDir)
      ? fs.readdirSync(spillDir).flatMap((d) => (/^cluster=-?\d+$/.test(d) ? [Number(d.slice(8))] : [])).sort((a, b) => a - b)
      : [];
    for (const cluster of clusters) {
      const dir = path.join(spillDir, `cluster=${cluster}`);
      const ids: string[] = [];
      const chunks: { values: Float32Array; dims: number }[] = [];
      for (const f of fs.readdirSync(dir).sort()) {
        const t = readParquet(path.join(dir, f), ['id', 'embedding']);
        ids.push(...stringsOf(t, 'id'));
        chunks.push(vectorsOf(t, 'embedding'));
      }
      fs.rmSync(dir, { recursive: true, force: true });
      const dims = chunks[0]?.dims ?? 0;
      const all = new Float32Array(ids.length * dims);
      let off = 0;
      for (const c of chunks) {
        all.set(c.values, off);
        off += c.values.length;
      }
      const order = Array.from(ids.keys()).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
      const values = new Float32Array(all.length);
      order.forEach((r, i) => values.set(all.subarray(r * dims, (r + 1) * dims), i * dims));
      yield { cluster, ids: order.map((r) => ids[r]), values, dims };
    }
  } finally {
    fs.rmSync(spillDir, { recursive: true, force: true });
  }
}

/** Centroids by cluster when they live in the embedding space (not in a UMAP space). */
export async function embeddingSpaceCentroids(conn: DuckDBConnection, dims: number): Promise<Map<number, Float32Array>> {
  const out = new Map<number, Float32Array>();
  const r = await conn.runAndReadAll(`SELECT ${CLUSTERS.col.cluster}, ${CLUSTERS.col.centroid} FROM ${CLUSTERS.name} WHERE len(${CLUSTERS.col.centroid}) = ${dims}`);
  for (const [c, v] of r.getRowsJS()) out.set(Number(c), Float32Array.from(v as number[]));
  return out;
}

/**
 * sample.jsonl: the original record of each sampled id (its first occurrence in input
 * order), in (cluster, pick) order, streamed from DuckDB into an atomic file.
 */
export async function writeSampleJsonl(conn: DuckDBConnection, file: string): Promise<number> {
  const r = ROWS.col;
  const s = SAMPLE.col;
  const result = await conn.stream(`
    SELECT arg_min(r.${r.record}, (r.${r.source}, r.${r.line})) AS record
    FROM ${SAMPLE.name} s JOIN ${ROWS.name} r USING (${s.id})
    GROUP BY s.${s.id}, s.${s.cluster}, s.${s.pick} ORDER BY s.${s.cluster}, s.${s.pick}`);
  const out = new AtomicFileWriter(file);
  let n = 0;
  try {
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const records = chunk.getColumns()[0] as string[];
      out.write(records.join('\n') + '\n');
      n += records.length;
    }
    out.commit();
  } catch (e) {
    out.abort();
    throw e;
  }
  return n;
}
