/**
 * Cluster statistics as DuckDB queries over labels/: the reference's summary (total rows,
 * clusters, largest and smallest five, size percentiles) plus the noise count.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { LABELS } from '../../schemas/tables.js';

const PERCENTILES = [1, 5, 10, 25, 50, 75, 90, 95, 99];
const c = LABELS.col;

export interface ClusterStats {
  total_rows: number;
  clusters: number;
  noise_rows: number;
  noise_fraction: number;
  largest: [number, number][];
  smallest: [number, number][];
  percentiles: Record<string, number>;
}

export async function clusterSizes(conn: DuckDBConnection): Promise<Map<number, number>> {
  const r = await conn.runAndReadAll(`SELECT ${c.cluster} AS cluster, count(*)::BIGINT AS size FROM ${LABELS.name} WHERE ${c.cluster} >= 0 GROUP BY 1 ORDER BY 1`);
  return new Map(r.getRowsJS().map(([k, n]) => [Number(k), Number(n)]));
}

export async function clusterStats(conn: DuckDBConnection): Promise<ClusterStats> {
  const totals = (
    await conn.runAndReadAll(`SELECT count(*)::BIGINT, count(*) FILTER (WHERE ${c.cluster} < 0)::BIGINT FROM ${LABELS.name}`)
  ).getRowsJS()[0].map(Number);
  const sizesSql = `SELECT ${c.cluster} AS cluster, count(*)::BIGINT AS size FROM ${LABELS.name} WHERE ${c.cluster} >= 0 GROUP BY 1`;
  const top = (n: string) => `SELECT cluster, size FROM (${sizesSql}) ORDER BY size ${n}, cluster LIMIT 5`;
  const pairs = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS().map(([k, v]) => [Number(k), Number(v)] as [number, number]);
  const q = await conn.runAndReadAll(
    `SELECT count(*)::BIGINT, quantile_cont(size, [${PERCENTILES.map((p) => p / 100).join(', ')}]) FROM (${sizesSql})`,
  );
  const [clusters, qs] = q.getRowsJS()[0] as [bigint, number[] | null];
  return {
    total_rows: totals[0],
    clusters: Number(clusters),
    noise_rows: totals[1],
    noise_fraction: totals[0] > 0 ? totals[1] / totals[0] : 0,
    largest: await pairs(top('DESC')),
    smallest: await pairs(top('ASC')),
    percentiles: Object.fromEntries(PERCENTILES.map((p, i) => [`p${p}`, qs ? Number(qs[i]) : 0])),
  };
}

/**
 * The summary as text. `describe` (cluster → its label or keywords) puts each listed
 * cluster on its own line with what it is about.
 */
export function formatClusterStats(s: ClusterStats, describe?: (cluster: number) => string): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const list = (title: string, ps: [number, number][]) =>
    describe
      ? [`${title} (cluster, size: keywords):`, ...ps.map(([k, n]) => `  ${String(k).padStart(5)} ${n.toLocaleString('en-US').padStart(9)}: ${describe(k)}`)].join('\n')
      : `${title} (cluster, size): ${ps.map(([k, n]) => `(${k}, ${n.toLocaleString('en-US')})`).join(' ')}`;
  return [
    `total rows: ${s.total_rows.toLocaleString('en-US')}`,
    `clusters: ${s.clusters.toLocaleString('en-US')}`,
    `noise: ${s.noise_rows.toLocaleString('en-US')} rows (${pct(s.noise_fraction)})`,
    list('largest 5', s.largest),
    list('smallest 5', s.smallest),
    `size percentiles: ${Object.entries(s.percentiles).map(([k, v]) => `${k}=${+v.toFixed(1)}`).join(' ')}`,
  ].join('\n');
}
