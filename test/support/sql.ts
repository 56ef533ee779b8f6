/** One query on an in-memory DuckDB (to write test inputs or read a run's Parquet parts directly). */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export async function sql<T = unknown[]>(query: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(query)).getRowsJS() as T[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** read_parquet over every part of one of a run's tables. */
export const parts = (out: string, table: { path: string }) => `read_parquet('${path.join(out, table.path)}/part-*.parquet')`;
