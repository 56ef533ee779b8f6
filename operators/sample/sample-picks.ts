/**
 * The sample stage's I/O, driven by DuckDB over the run folder's views: per-cluster quotas
 * joined to the labels, seeded random picks as a seeded hash order of ids within each
 * cluster, and — for diverse picks — each wanted cluster's rows streamed by DuckDB in
 * cluster order, one cluster at a time, for the farthest-point traversal. Memory holds one
 * cluster's vectors and DuckDB's sort budget, never the dataset.
 */
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CLUSTERS, EMBEDDINGS, LABELS, ROWS, SAMPLE } from '../../schemas/tables.js';
import { writeQueryLines } from '../duckdb/write-query-lines.js';
import { sqlString } from '../duckdb/sql-string.js';

export interface Pick {
  id: string;
  cluster: number;
  pick: number;
}


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

export interface ClusterRowsOptions {
  /** DuckDB's sort budget before it spills (default 256MB). */
  memoryLimit?: string;
  /** Every cluster, noise (−1) first, instead of the clusters of the `quotas` table (dedup). */
  all?: boolean;
}

/**
 * Each wanted cluster's rows, one cluster at a time: DuckDB streams (cluster, id, embedding)
 * ordered by cluster and id (ids order the rows so the traversal does not depend on thread
 * interleaving), and a cluster is yielded when the next begins. DuckDB's sort spills to
 * `spillDir` beyond `memoryLimit`, so memory holds one chunk, one cluster and the sort's
 * budget, never the dataset. Measured at 100k rows × 100-d, 1,000 clusters: 0.59 s, against
 * 6.0 s for a partitioned COPY to one Parquet folder per cluster read back per cluster.
 */
export async function* clusterRows(conn: DuckDBConnection, spillDir: string, options: ClusterRowsOptions = {}): AsyncGenerator<ClusterRows> {
  const memoryLimit = options.memoryLimit ?? '256MB';
  fs.rmSync(spillDir, { recursive: true, force: true });
  // Removed on every way out: success, a failure (a full disk), or a consumer that stops early.
  try {
    const l = LABELS.col;
    const e = EMBEDDINGS.col;
    await conn.run(`SET memory_limit = ${sqlString(memoryLimit)}`);
    await conn.run(`SET temp_directory = ${sqlString(spillDir)}`);
    const result = await conn.stream(`
      SELECT l.${l.cluster} AS cluster, e.${e.id} AS id, e.${e.embedding} AS embedding
      FROM ${EMBEDDINGS.name} e JOIN ${LABELS.name} l USING (${e.id})
      ${options.all ? '' : `WHERE l.${l.cluster} IN (SELECT cluster FROM quotas)`}
      ORDER BY 1, 2`);
    let cluster: number | null = null;
    let ids: string[] = [];
    let values = new Float32Array(0);
    let dims = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const clusters = chunk.getColumnVector(0);
      const idv = chunk.getColumnVector(1);
      const vectors = chunk.getColumnVector(2);
      for (let i = 0; i < chunk.rowCount; i++) {
        const c = clusters.getItem(i) as number;
        if (c !== cluster) {
          if (cluster !== null) yield { cluster, ids, values: values.subarray(0, ids.length * dims), dims };
          cluster = c;
          ids = [];
          values = new Float32Array(0); // the yielded cluster keeps its own buffer
        }
        const v = (vectors.getItem(i) as { items: readonly number[] }).items;
        dims = v.length;
        if ((ids.length + 1) * dims > values.length) {
          const grown = new Float32Array(Math.max(1024 * dims, values.length * 2));
          grown.set(values.subarray(0, ids.length * dims));
          values = grown;
        }
        values.set(v, ids.length * dims);
        ids.push(idv.getItem(i) as string);
      }
    }
    if (cluster !== null) yield { cluster, ids, values: values.subarray(0, ids.length * dims), dims };
  } finally {
    fs.rmSync(spillDir, { recursive: true, force: true });
  }
}

/** The centroids of `clusterIds`, in that order, in the clustering space (clusters.parquet). */
export async function clusterCentroids(conn: DuckDBConnection, clusterIds: Int32Array): Promise<{ values: Float32Array; dims: number }> {
  const c = CLUSTERS.col;
  const byId = new Map<number, number[]>();
  for (const [id, v] of (await conn.runAndReadAll(`SELECT ${c.cluster}, ${c.centroid} FROM ${CLUSTERS.name}`)).getRowsJS()) byId.set(Number(id), v as number[]);
  const dims = byId.size > 0 ? [...byId.values()][0].length : 0;
  const values = new Float32Array(clusterIds.length * dims);
  clusterIds.forEach((id, i) => {
    const v = byId.get(id);
    if (!v) throw new Error(`cluster ${id} has no centroid in ${CLUSTERS.path}: the run folder is inconsistent; rerun infer`);
    values.set(v, i * dims);
  });
  return { values, dims };
}

/** Centroids by cluster when they live in the embedding space (not in a UMAP space). */
export async function embeddingSpaceCentroids(conn: DuckDBConnection, dims: number): Promise<Map<number, Float32Array>> {
  const out = new Map<number, Float32Array>();
  const r = await conn.runAndReadAll(`SELECT ${CLUSTERS.col.cluster}, ${CLUSTERS.col.centroid} FROM ${CLUSTERS.name} WHERE len(${CLUSTERS.col.centroid}) = ${dims}`);
  for (const [c, v] of r.getRowsJS()) out.set(Number(c), Float32Array.from(v as number[]));
  return out;
}

/**
 * The user_id (--id-key) of each picked id's first record by file and line, the record
 * sample.jsonl holds; null where that record has none. Ids are hex digests, so they go into
 * the query as literals, 10,000 to a statement.
 */
export async function firstUserIds(conn: DuckDBConnection, ids: readonly string[]): Promise<(string | null)[]> {
  const r = ROWS.col;
  await conn.run('CREATE OR REPLACE TEMP TABLE picked_ids (id VARCHAR)');
  for (let i = 0; i < ids.length; i += 10_000) await conn.run(`INSERT INTO picked_ids VALUES ${ids.slice(i, i + 10_000).map((id) => `(${sqlString(id)})`).join(', ')}`);
  const byId = new Map<string, string | null>();
  const q = `SELECT ${r.id}, arg_min(${r.user_id}, (${r.source}, ${r.line})) FROM ${ROWS.name} SEMI JOIN picked_ids USING (${r.id}) GROUP BY 1`;
  for (const [id, user] of (await conn.runAndReadAll(q)).getRowsJS()) byId.set(id as string, (user as string | null) ?? null);
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * sample.jsonl: the original record of each sampled id (its first occurrence in input
 * order), in (cluster, pick) order, streamed from DuckDB into an atomic file.
 */
export async function writeSampleJsonl(conn: DuckDBConnection, file: string): Promise<number> {
  const r = ROWS.col;
  const s = SAMPLE.col;
  return writeQueryLines(
    conn,
    `SELECT arg_min(r.${r.record}, (r.${r.source}, r.${r.line})) AS record
     FROM ${SAMPLE.name} s JOIN ${ROWS.name} r USING (${s.id})
     GROUP BY s.${s.id}, s.${s.cluster}, s.${s.pick} ORDER BY s.${s.cluster}, s.${s.pick}`,
    file,
  );
}
