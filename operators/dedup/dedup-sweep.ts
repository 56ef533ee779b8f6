/**
 * What other thresholds would remove, read from the dedup/ table without recomputing: fuzzy
 * removes a row exactly when its best earlier candidate's exact Jaccard (`jaccard`) is ≥ the
 * threshold (core/dedup/fuzzy-groups.ts), so for the candidates LSH found these counts are the
 * selection's; semantic removes a row whose `similarity` to an earlier kept row is ≥ 1 − ε, and
 * that kept set is the one of the ε it ran at, so other ε give estimates — exact counts come
 * from the pairs a --dedup-epsilon-bound run stored (semanticSweepFromPairs). Each method is
 * counted over the rows it compared (exact copies aside).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEDUP } from '../../schemas/tables.js';
import { selectFromPairs } from '../../core/dedup/semdedup-pairs.js';
import type { ClusterPairs } from './semantic-pairs.js';

export const SWEEP_THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] as const;
export const SWEEP_EPSILONS = [0.001, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1] as const;

export interface DedupSweep {
  /** [threshold, rows fuzzy would remove]; empty when no row has a Jaccard value. */
  fuzzy: [number, number][];
  /** [ε, rows semantic would remove]; empty when no row has a similarity. */
  semantic: [number, number][];
}

export async function dedupSweep(conn: DuckDBConnection): Promise<DedupSweep> {
  const d = DEDUP.col;
  const counts = (column: string, bounds: readonly number[]) =>
    bounds.map((b, i) => `count(*) FILTER (WHERE ${column} >= ${b})::DOUBLE AS c${i}`).join(', ');
  const reader = await conn.runAndReadAll(
    `SELECT count(${d.jaccard})::DOUBLE, count(${d.similarity})::DOUBLE,
            ${counts(d.jaccard, SWEEP_THRESHOLDS)}, ${counts(d.similarity, SWEEP_EPSILONS.map((e) => 1 - e))}
     FROM ${DEDUP.name}`,
  );
  const row = reader.getRows()[0].map(Number);
  const [haveJaccard, haveSimilarity] = row;
  const t = SWEEP_THRESHOLDS.length;
  return {
    fuzzy: haveJaccard ? SWEEP_THRESHOLDS.map((x, i) => [x, row[2 + i]]) : [],
    semantic: haveSimilarity ? SWEEP_EPSILONS.map((e, i) => [e, row[2 + t + i]]) : [],
  };
}

/** The rows semantic removes at each sweep ε the stored pairs reach (1 − ε ≥ floor): the selection itself, so exact. */
export function semanticSweepFromPairs(stored: readonly ClusterPairs[], floor: number): [number, number][] {
  return SWEEP_EPSILONS.filter((e) => 1 - e >= floor).map((e) => [
    e,
    stored.reduce((removed, c) => removed + c.ids.length - selectFromPairs(c.pairs, e, floor).kept.reduce((a, b) => a + b, 0), 0),
  ]);
}
