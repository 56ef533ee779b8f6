/**
 * Quality scores for the sample stage (`--score-key PATH` with `--within top|weighted`):
 * DuckDB reads each id's score from its first record (the one sample.jsonl writes) and picks
 * within each cluster of the `quotas` table:
 *
 * - top: highest score first; equal scores in the seeded hash order of random picks;
 * - weighted: seeded weighted draws without replacement by the Efraimidis–Spirakis rule
 *   (Inf. Process. Lett. 97(5), 2006): each id gets the key ln(u) / w with u uniform in (0, 1)
 *   from md5(seed:id) and w its score, and the `quota` largest keys are drawn — the same
 *   distribution as drawing one id at a time with probability w / Σw of those left.
 *
 * Ids whose score is missing, not a number (strings, booleans, objects, non-finite) or, for
 * weighted draws, not positive come after every scored id, in the seeded hash order: a
 * cluster short of scored ids still fills its quota. They are counted for the report.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseKeyPath, toJsonPath } from '../../core/text/key-path.js';
import { LABELS, ROWS } from '../../schemas/tables.js';
import type { Pick } from './sample-picks.js';
import { sqlString } from '../duckdb/sql-string.js';

export interface ScoreCounts {
  /** Ids whose first record has a finite number at the path. */
  scored: number;
  missing: number;
  non_numeric: number;
  /** Scored ids with a score ≤ 0 (never drawn ahead of positive ones by weighted draws). */
  non_positive: number;
}


/**
 * Creates the temporary table `scores (id, score DOUBLE, state)` for the ids of `labels`,
 * state 'ok', 'missing' or 'non_numeric'; returns the counts.
 */
export async function loadScores(conn: DuckDBConnection, keyPath: string): Promise<ScoreCounts> {
  const jsonPath = sqlString(toJsonPath(parseKeyPath(keyPath)));
  const r = ROWS.col;
  await conn.run(`
    CREATE OR REPLACE TEMP TABLE scores AS
    WITH first AS (
      SELECT ${r.id} AS id, arg_min(${r.record}, (${r.source}, ${r.line})) AS record
      FROM ${ROWS.name} SEMI JOIN ${LABELS.name} USING (${r.id}) GROUP BY 1
    ), typed AS (
      SELECT id, json_type(record, ${jsonPath}) AS type, json_extract(record, ${jsonPath}) AS value FROM first
    )
    SELECT id,
      CASE WHEN type IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND isfinite(TRY_CAST(value AS DOUBLE)) THEN TRY_CAST(value AS DOUBLE) END AS score,
      CASE WHEN type IS NULL OR type = 'NULL' THEN 'missing'
           WHEN type IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND isfinite(TRY_CAST(value AS DOUBLE)) THEN 'ok'
           ELSE 'non_numeric' END AS state
    FROM typed`);
  const [row] = (
    await conn.runAndReadAll(`
    SELECT count(*) FILTER (WHERE state = 'ok')::BIGINT, count(*) FILTER (WHERE state = 'missing')::BIGINT,
           count(*) FILTER (WHERE state = 'non_numeric')::BIGINT, count(*) FILTER (WHERE score <= 0)::BIGINT FROM scores`)
  ).getRowsJS();
  const [scored, missing, nonNumeric, nonPositive] = row.map(Number);
  return { scored, missing, non_numeric: nonNumeric, non_positive: nonPositive };
}

/** The uniform in (0, 1) of an id for a seed: 52 bits of md5(seed:id), offset by half a step. */
export function uniformSql(seed: number, id: string): string {
  return `((('0x' || substr(md5(${sqlString(`${seed}:`)} || ${id}), 1, 13))::UBIGINT)::DOUBLE + 0.5) / 4503599627370496.0`;
}

/** Picks by score within each cluster of `quotas` (see the file header). */
export async function scoredPicks(conn: DuckDBConnection, seed: number, mode: 'top' | 'weighted'): Promise<Pick[]> {
  const l = LABELS.col;
  const hash = `md5(${sqlString(`${seed}:`)} || l.${l.id})`;
  const usable = mode === 'top' ? 's.score IS NOT NULL' : 's.score > 0';
  const key = mode === 'top' ? 's.score' : `ln(${uniformSql(seed, `l.${l.id}`)}) / s.score`;
  const r = await conn.runAndReadAll(`
    SELECT l.${l.id}, l.${l.cluster},
      (row_number() OVER (PARTITION BY l.${l.cluster} ORDER BY coalesce(${usable}, false) DESC, CASE WHEN ${usable} THEN ${key} END DESC, ${hash}) - 1)::INTEGER AS pick
    FROM ${LABELS.name} l JOIN quotas USING (${l.cluster}) LEFT JOIN scores s USING (${l.id})
    QUALIFY pick < quota`);
  return r.getRowsJS().map(([id, cluster, pick]) => ({ id: id as string, cluster: Number(cluster), pick: Number(pick) }));
}
