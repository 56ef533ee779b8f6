/**
 * A DuckDB connection with one view per output table of a run folder (rows, embeddings,
 * labels, clusters, projection, sample), so users and stages query Parquet by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { TABLES } from '../schemas/tables.js';
import { listParts } from './parquet.js';

export interface RunDatabase {
  connection: DuckDBConnection;
  /** Names of the views that exist (tables whose files are present). */
  views: string[];
  close(): void;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export async function openRunDatabase(outDir: string): Promise<RunDatabase> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const views: string[] = [];
  for (const t of TABLES) {
    const p = path.join(outDir, t.path);
    let files: string[];
    if (t.parts) files = listParts(p);
    else files = fs.existsSync(p) ? [p] : [];
    if (files.length === 0) continue;
    await connection.run(`CREATE VIEW ${t.name} AS SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}])`);
    views.push(t.name);
  }
  return {
    connection,
    views,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Opens the run's database, runs `fn` on it, and always closes it. */
export async function withRunDatabase<T>(outDir: string, fn: (conn: DuckDBConnection, views: string[]) => Promise<T>): Promise<T> {
  const db = await openRunDatabase(outDir);
  try {
    return await fn(db.connection, db.views);
  } finally {
    db.close();
  }
}
