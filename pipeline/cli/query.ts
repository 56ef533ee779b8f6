/** `semclust query`: DuckDB SQL over a run folder, printed as a table, CSV or JSON. */
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';

export type QueryFormat = 'table' | 'csv' | 'json';

const MAX_CELL = 60;

function cellText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) {
    const head = v.slice(0, 3).map((x) => (typeof x === 'number' ? x.toFixed(4) : String(x)));
    return `[${head.join(', ')}${v.length > 3 ? `, … ${v.length} items` : ''}]`;
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function truncate(s: string): string {
  const flat = s.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? flat.slice(0, MAX_CELL - 1) + '…' : flat;
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatRows(columns: string[], rows: Record<string, unknown>[], format: QueryFormat): string {
  if (format === 'json') return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
  if (format === 'csv') {
    return [columns.map(csvCell).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
  }
  const cells = rows.map((r) => columns.map((c) => truncate(cellText(r[c]))));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (vals: string[]) => vals.map((v, j) => v.padEnd(widths[j])).join(' │ ');
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return [line(columns), rule, ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n') + '\n';
}

export async function runQuery(outDir: string, sql: string, format: QueryFormat): Promise<string> {
  return withRunDatabase(outDir, async (conn, views) => {
    if (views.length === 0) throw new Error(`${outDir} holds no Parquet outputs yet: run semclust embed first`);
    let reader;
    try {
      reader = await conn.runAndReadAll(sql);
    } catch (e) {
      throw new Error(`${(e as Error).message.split('\n')[0]}\n  views available: ${views.join(', ')}`);
    }
    return formatRows(reader.columnNames(), reader.getRowObjectsJson() as Record<string, unknown>[], format);
  });
}
