/**
 * One colour per cluster for plot.svg and report.html alike: the mean map position of each
 * cluster over every projected row (one streaming GROUP BY in DuckDB, so both pictures get
 * the same colours whatever subsample they draw), coloured by core/plot/cluster-palette.ts
 * so that clusters next to each other on the map differ.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { clusterPalette } from '../../core/plot/cluster-palette.js';
import { LABELS, PROJECTION } from '../../schemas/tables.js';

/** RGB bytes, three per cluster id (0 … the largest id). */
export async function clusterColours(conn: DuckDBConnection): Promise<Uint8Array> {
  const l = LABELS.col, p = PROJECTION.col;
  const rows = (
    await conn.runAndReadAll(
      `SELECT l.${l.cluster}, avg(p.${p.x}), avg(p.${p.y}) FROM ${PROJECTION.name} p JOIN ${LABELS.name} l USING (${p.id}) WHERE l.${l.cluster} >= 0 GROUP BY 1`,
    )
  ).getRowsJS() as [number, number, number][];
  const size = rows.reduce((m, r) => Math.max(m, r[0] + 1), 0);
  const cx = new Float32Array(size).fill(NaN), cy = new Float32Array(size).fill(NaN);
  for (const [c, x, y] of rows) {
    cx[c] = x;
    cy[c] = y;
  }
  return clusterPalette(cx, cy);
}
