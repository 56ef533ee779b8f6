/**
 * The points plot.svg and report.html draw, from one query: the 2-D projection of every row
 * when there are at most `maxPoints`, else a seeded subsample of them with every sampled
 * row kept; each with its cluster, whether the sample took it and (for the report) its
 * text. DuckDB samples the projection before joining labels and texts, so its hash tables
 * hold `maxPoints` ids, not the dataset.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { LABELS, PROJECTION, ROWS, SAMPLE } from '../../schemas/tables.js';

export interface MapPoints {
  x: Float32Array;
  y: Float32Array;
  cluster: Int32Array;
  picked: Uint8Array;
  /** Texts cut to `textChars` characters; empty when not asked for. */
  texts: string[];
  /** With texts and id_key: the user ids of each point's records (the first 3, in input order, ", "-joined); empty otherwise. */
  userIds: string[];
  /** Rows in the projection, of which `x.length` are shown. */
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
}

export async function mapPoints(conn: DuckDBConnection, q: MapQuery): Promise<MapPoints> {
  const p = PROJECTION.col;
  const count = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRowsJS()[0][0]);
  const total = await count(`SELECT count(*)::BIGINT FROM ${PROJECTION.name}`);
  const sampled = q.hasSample ? await count(`SELECT count(*)::BIGINT FROM ${SAMPLE.name}`) : 0;
  const flagged = `SELECT ${p.id}, ${p.x}, ${p.y}, ${q.hasSample ? `${p.id} IN (SELECT ${SAMPLE.col.id} FROM ${SAMPLE.name})` : 'false'} AS picked FROM ${PROJECTION.name}`;
  const others = Math.max(0, q.maxPoints - sampled);
  const shown =
    total <= q.maxPoints
      ? flagged
      : `SELECT * FROM (${flagged}) WHERE picked UNION ALL SELECT * FROM (SELECT * FROM (${flagged}) WHERE NOT picked) USING SAMPLE reservoir(${others} ROWS) REPEATABLE (${q.seed})`;
  const withIds = q.textChars > 0 && q.userIds === true;
  const texts =
    q.textChars > 0
      ? `LEFT JOIN (SELECT ${ROWS.col.id} AS id, left(any_value(${ROWS.col.text}), ${q.textChars}) AS text${withIds ? `, array_to_string(list(${ROWS.col.user_id} ORDER BY ${ROWS.col.source}, ${ROWS.col.line})[1:3], ', ') AS user_ids` : ''} FROM ${ROWS.name}
           WHERE ${ROWS.col.id} IN (SELECT id FROM shown) GROUP BY 1) t USING (id)`
      : '';
  // Ids are hashes, so ordering by id is a fixed shuffle: no cluster is always drawn on top.
  const sql = `WITH shown AS (${shown})
    SELECT s.${p.x}, s.${p.y}, l.${LABELS.col.cluster}, s.picked${q.textChars > 0 ? ', t.text' : ''}${withIds ? ', t.user_ids' : ''}
    FROM shown s JOIN ${LABELS.name} l USING (${p.id}) ${texts} ORDER BY s.${p.id}`;
  const rows = (await conn.runAndReadAll(sql)).getRowsJS() as [number, number, number, boolean, string?, string?][];
  return {
    x: Float32Array.from(rows, (r) => r[0]),
    y: Float32Array.from(rows, (r) => r[1]),
    cluster: Int32Array.from(rows, (r) => r[2]),
    picked: Uint8Array.from(rows, (r) => (r[3] ? 1 : 0)),
    texts: q.textChars > 0 ? rows.map((r) => r[4] ?? '') : [],
    userIds: withIds ? rows.map((r) => r[5] ?? '') : [],
    total,
    sampled,
  };
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
