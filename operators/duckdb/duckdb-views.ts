/**
 * A DuckDB connection with one view per output table of a run folder (rows, embeddings,
 * labels, clusters, projection, sample), so users and stages query Parquet by name; and
 * row_labels, every row's cluster beside its user_id (labels hold one row per text id).
 * Vector columns are cast to FLOAT[d]: Parquet has no fixed-size list, so DuckDB reads them
 * as FLOAT[], and the array functions (array_cosine_similarity(embedding, centroid),
 * array_inner_product) reject variable-size lists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DEDUP, LABELS, ROWS, TABLES } from '../../schemas/tables.js';
import { listParts } from '../parquet/parquet.js';
import { sqlString } from './sql-string.js';

export interface RunDatabase {
  connection: DuckDBConnection;
  /** Names of the views that exist (tables whose files are present). */
  views: string[];
  close(): void;
}

/** The length of a vector column, from its first row (every writer writes one fixed size). */
async function vectorDims(connection: DuckDBConnection, source: string, column: string): Promise<number | null> {
  const reader = await connection.runAndReadAll(`SELECT len(${column}) FROM ${source} WHERE ${column} IS NOT NULL LIMIT 1`);
  const rows = reader.getRows();
  return rows.length ? Number(rows[0][0]) : null;
}

export interface RunDatabaseOptions {
  /**
   * The labels view holds only the ids dedup/ kept (when dedup/ exists), so every query that
   * sizes or draws from clusters sees the deduplicated data; `labels_all` keeps them all.
   */
  keptOnly?: boolean;
}

export async function openRunDatabase(outDir: string, options: RunDatabaseOptions = {}): Promise<RunDatabase> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const views: string[] = [];
  for (const t of TABLES) {
    const p = path.join(outDir, t.path);
    let files: string[];
    if (t.parts) files = listParts(p);
    else files = fs.existsSync(p) ? [p] : [];
    if (files.length === 0) continue;
    const source = `read_parquet([${files.map(sqlString).join(', ')}])`;
    const casts: string[] = [];
    for (const [column, type] of Object.entries(t.columns)) {
      if (type !== 'vector') continue;
      const dims = await vectorDims(connection, source, column);
      if (dims !== null) casts.push(`CAST(${column} AS FLOAT[${dims}]) AS ${column}`);
    }
    const select = casts.length ? `SELECT * REPLACE (${casts.join(', ')})` : 'SELECT *';
    await connection.run(`CREATE VIEW ${t.name} AS ${select} FROM ${source}`);
    views.push(t.name);
  }
  if (options.keptOnly && views.includes(DEDUP.name) && views.includes(LABELS.name)) {
    await connection.run(`ALTER VIEW ${LABELS.name} RENAME TO ${LABELS.name}_all`);
    await connection.run(
      `CREATE VIEW ${LABELS.name} AS SELECT * FROM ${LABELS.name}_all SEMI JOIN (SELECT ${DEDUP.col.id} FROM ${DEDUP.name} WHERE ${DEDUP.col.kept}) USING (${LABELS.col.id})`,
    );
  }
  await addRowLabels(connection, views);
  return {
    connection,
    views,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The row_labels view's name: one row per input record, for joining clusters back to the user's own ids (id_key). */
const ROW_LABELS = 'row_labels';

/**
 * row_labels: (user_id, id, cluster, probability, source, line) for every row, since labels
 * hold one row per text id and records sharing a text share its cluster. Made when rows/ has
 * the user_id column (run folders written before it have none) and labels exist.
 */
async function addRowLabels(connection: DuckDBConnection, views: string[]): Promise<void> {
  if (!views.includes(ROWS.name) || !views.includes(LABELS.name)) return;
  const columns = (await connection.runAndReadAll(`DESCRIBE ${ROWS.name}`)).getRowsJS().map((r) => String(r[0]));
  if (!columns.includes(ROWS.col.user_id)) return;
  const r = ROWS.col;
  const l = LABELS.col;
  await connection.run(
    `CREATE VIEW ${ROW_LABELS} AS SELECT r.${r.user_id}, r.${r.id}, l.${l.cluster}, l.${l.probability}, r.${r.source}, r.${r.line}
     FROM ${ROWS.name} r JOIN ${LABELS.name} l USING (${r.id})`,
  );
  views.push(ROW_LABELS);
}

/** Opens the run's database, runs `fn` on it, and always closes it. */
export async function withRunDatabase<T>(outDir: string, fn: (conn: DuckDBConnection, views: string[]) => Promise<T>, options: RunDatabaseOptions = {}): Promise<T> {
  const db = await openRunDatabase(outDir, options);
  try {
    return await fn(db.connection, db.views);
  } finally {
    db.close();
  }
}
