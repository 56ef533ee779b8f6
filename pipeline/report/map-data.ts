/**
 * The points plot.svg and report.html draw, from one query: the 2-D projection of every row
 * when there are at most `maxPoints`, else a seeded subsample of them with every sampled
 * row kept; each with its cluster, whether the sample took it and (for the report) its
 * text, id and the `--facet` fields of its record. DuckDB samples the projection before joining labels and texts, so its hash tables
 * hold `maxPoints` ids, not the dataset. infer projects only about report_max_points rows
 * (unless map_all_rows); the sample comes later, so `projectPicks` places the sampled rows
 * it left out before the query.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { EMBEDDINGS, LABELS, PROJECTION, ROWS, SAMPLE } from '../../schemas/tables.js';
import { parseKeyPath, toJsonPath } from '../../core/text/key-path.js';
import { loadFitted, projectBlock } from '../model/fitted-model.js';
import { sqlString } from '../../operators/duckdb/sql-string.js';

export interface MapPoints {
  x: Float32Array;
  y: Float32Array;
  cluster: Int32Array;
  picked: Uint8Array;
  /** Texts cut to `textChars` characters; empty when not asked for. */
  texts: string[];
  /** Row ids; empty when not asked for. */
  ids: string[];
  /** Per asked facet, each point's value of that record field (null when the record lacks it). */
  facets: (string | null)[][];
  /** With texts and id_key: the user ids of each point's records (the first 3, in input order, ", "-joined); empty otherwise. */
  userIds: string[];
  /** Rows labelled, of which `x.length` are shown. */
  total: number;
  sampled: number;
}

export interface MapQuery {
  maxPoints: number;
  seed: number;
  hasSample: boolean;
  /** rows.user_id holds ids (id_key was given). */
  userIds?: boolean;
  /** 0 = no texts. */
  textChars: number;
  withIds?: boolean;
  /** Key paths into the records (`--facet`). */
  facets?: readonly string[];
}

/** A key path (`meta.tags[0]`) as a DuckDB JSON path (`$."meta"."tags"[0]`), quoted for SQL. */
const jsonPath = (keyPath: string): string => sqlString(toJsonPath(parseKeyPath(keyPath)));

export async function mapPoints(conn: DuckDBConnection, q: MapQuery): Promise<MapPoints> {
  const p = PROJECTION.col;
  const count = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRowsJS()[0][0]);
  const total = await count(`SELECT count(*)::BIGINT FROM ${LABELS.name}`);
  const projected = await count(`SELECT count(*)::BIGINT FROM ${PROJECTION.name}`);
  const sampled = q.hasSample ? await count(`SELECT count(*)::BIGINT FROM ${SAMPLE.name}`) : 0;
  const flagged = `SELECT ${p.id}, ${p.x}, ${p.y}, ${q.hasSample ? `${p.id} IN (SELECT ${SAMPLE.col.id} FROM ${SAMPLE.name})` : 'false'} AS picked FROM ${PROJECTION.name}`;
  const others = Math.max(0, q.maxPoints - sampled);
  const shown =
    projected <= q.maxPoints
      ? flagged
      : `SELECT * FROM (${flagged}) WHERE picked UNION ALL SELECT * FROM (SELECT * FROM (${flagged}) WHERE NOT picked) USING SAMPLE reservoir(${others} ROWS) REPEATABLE (${q.seed})`;
  const facets = q.facets ?? [];
  const withUserIds = q.textChars > 0 && q.userIds === true;
  const fromRows = [
    ...(q.textChars > 0 ? [`left(any_value(${ROWS.col.text}), ${q.textChars}) AS text`] : []),
    ...(withUserIds ? [`array_to_string(list(${ROWS.col.user_id} ORDER BY ${ROWS.col.source}, ${ROWS.col.line})[1:3], ', ') AS user_ids`] : []),
    ...facets.map((f, j) => `json_extract_string(any_value(${ROWS.col.record}), ${jsonPath(f)}) AS f${j}`),
  ];
  const texts =
    fromRows.length > 0
      ? `LEFT JOIN (SELECT ${ROWS.col.id} AS id, ${fromRows.join(', ')} FROM ${ROWS.name}
           WHERE ${ROWS.col.id} IN (SELECT id FROM shown) GROUP BY 1) t USING (id)`
      : '';
  const extra = [...(q.textChars > 0 ? ['t.text'] : []), ...(withUserIds ? ['t.user_ids'] : []), ...facets.map((_, j) => `t.f${j}`), ...(q.withIds ? [`s.${p.id}`] : [])];
  // Ids are hashes, so ordering by id is a fixed shuffle: no cluster is always drawn on top.
  const sql = `WITH shown AS (${shown})
    SELECT s.${p.x}, s.${p.y}, l.${LABELS.col.cluster}, s.picked${extra.map((c) => `, ${c}`).join('')}
    FROM shown s JOIN ${LABELS.name} l USING (${p.id}) ${texts} ORDER BY s.${p.id}`;
  const rows = (await conn.runAndReadAll(sql)).getRowsJS() as [number, number, number, boolean, ...(string | null)[]][];
  const at = (q.textChars > 0 ? 5 : 4) + (withUserIds ? 1 : 0);
  return {
    x: Float32Array.from(rows, (r) => r[0]),
    y: Float32Array.from(rows, (r) => r[1]),
    cluster: Int32Array.from(rows, (r) => r[2]),
    picked: Uint8Array.from(rows, (r) => (r[3] ? 1 : 0)),
    texts: q.textChars > 0 ? rows.map((r) => r[4] ?? '') : [],
    facets: facets.map((_, j) => rows.map((r) => (r[at + j] ?? null) as string | null)),
    ids: q.withIds ? rows.map((r) => r[at + facets.length] as string) : [],
    userIds: withUserIds ? rows.map((r) => (r[5] ?? '') as string) : [],
    total,
    sampled,
  };
}

/**
 * Gives map coordinates to the sampled rows projection/ lacks (at most the sample's size: their
 * embeddings, through the fitted projection), for this connection only: `projection` becomes
 * infer's rows plus these, and nothing is written. Returns how many were placed.
 */
export async function projectPicks(conn: DuckDBConnection, outDir: string, views: readonly string[]): Promise<number> {
  if (!views.includes(SAMPLE.name) || !views.includes(PROJECTION.name) || !views.includes(EMBEDDINGS.name)) return 0;
  const id = PROJECTION.col.id;
  const missing = (
    await conn.runAndReadAll(
      `SELECT e.${EMBEDDINGS.col.id}, e.${EMBEDDINGS.col.embedding} FROM ${EMBEDDINGS.name} e
       SEMI JOIN (SELECT ${SAMPLE.col.id} AS ${id} FROM ${SAMPLE.name} ANTI JOIN ${PROJECTION.name} USING (${id})) m ON e.${EMBEDDINGS.col.id} = m.${id}
       ORDER BY 1`,
    )
  ).getRowsJS() as [string, number[]][];
  if (missing.length === 0) return 0;
  const dims = missing[0][1].length;
  const block = new Float32Array(missing.length * dims);
  missing.forEach(([, v], i) => block.set(v, i * dims));
  const { xy } = await projectBlock(loadFitted(outDir).projection, block, missing.length, dims);
  await conn.run(`CREATE TEMP TABLE picked_xy (${id} VARCHAR, ${PROJECTION.col.x} FLOAT, ${PROJECTION.col.y} FLOAT)`);
  const appender = await conn.createAppender('picked_xy');
  missing.forEach(([rowId], i) => {
    appender.appendVarchar(rowId);
    appender.appendFloat(xy[i * 2]);
    appender.appendFloat(xy[i * 2 + 1]);
    appender.endRow();
  });
  appender.closeSync();
  await conn.run(`ALTER VIEW ${PROJECTION.name} RENAME TO ${PROJECTION.name}_infer`);
  await conn.run(`CREATE VIEW ${PROJECTION.name} AS SELECT ${id}, ${PROJECTION.col.x}, ${PROJECTION.col.y} FROM ${PROJECTION.name}_infer UNION ALL SELECT * FROM picked_xy`);
  return missing.length;
}

/** Each cluster's centre on the map: the coordinate-wise median of its shown points. */
export function mapCentres(m: MapPoints): Map<number, [number, number]> {
  const byCluster = new Map<number, number[]>();
  for (let i = 0; i < m.cluster.length; i++) {
    if (m.cluster[i] < 0) continue;
    let l = byCluster.get(m.cluster[i]);
    if (!l) byCluster.set(m.cluster[i], (l = []));
    l.push(i);
  }
  const median = (v: Float32Array) => {
    v.sort();
    return v[v.length >> 1];
  };
  const out = new Map<number, [number, number]>();
  for (const [c, idx] of byCluster) out.set(c, [median(Float32Array.from(idx, (i) => m.x[i])), median(Float32Array.from(idx, (i) => m.y[i]))]);
  return out;
}
