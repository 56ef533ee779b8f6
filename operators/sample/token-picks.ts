/**
 * The sample sized in tokens (`--sample-tokens N`, issue 22), around the row-based picks: each
 * cluster's token budget is the per_cluster rule applied to the clusters' token totals
 * (core/sample/allocate-quotas.ts: equal budgets, or 1 + λ·√tokens), the row quota that the pick
 * functions draw is what the budget needs with room to skip rows that do not fit, and the picks,
 * in the rule's order, are cut to the budgets by core/sample/token-budget.ts. Token counts come
 * from the `token_counts` table (token-counts.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { LABELS } from '../../schemas/tables.js';
import { allocateQuotas, type QuotaRule } from '../../core/sample/allocate-quotas.js';
import { takeWithinBudgets } from '../../core/sample/token-budget.js';
import type { Pick } from './sample-picks.js';

export interface TokenQuotas {
  /** Rows each cluster's picks are drawn from: twice what its budget needs at its mean row length, plus 8. */
  quotas: Int32Array;
  /** Tokens per cluster. */
  budgets: Int32Array;
}

/** Budgets and row quotas for the clusters `clusterIds` (their `sizes` in rows), from `token_counts`. */
export async function tokenQuotas(conn: DuckDBConnection, clusterIds: Int32Array, sizes: Int32Array, tokens: number, rule: QuotaRule, seed: number): Promise<TokenQuotas> {
  const l = LABELS.col;
  const totalOf = new Map<number, number>();
  const r = await conn.runAndReadAll(`SELECT ${l.cluster}, sum(tokens)::BIGINT FROM ${LABELS.name} JOIN token_counts USING (${l.id}) WHERE ${l.cluster} >= 0 GROUP BY 1`);
  for (const [c, t] of r.getRowsJS()) totalOf.set(Number(c), Number(t));
  const totals = Array.from(clusterIds, (c) => totalOf.get(c) ?? 0);
  const budgets = allocateQuotas(totals, tokens, rule, seed);
  // Twice the rows the budget needs at the cluster's mean length leaves room for skipped long
  // rows; the +8 for clusters whose budget is a row or two. Random order could draw every row at
  // no cost, but diverse picks cost a k-means with k = the quota, and farthest picks a pass per pick.
  const quotas = Int32Array.from(clusterIds, (_, j) => (budgets[j] === 0 ? 0 : Math.min(sizes[j], 2 * Math.ceil((budgets[j] * sizes[j]) / Math.max(1, totals[j])) + 8)));
  return { quotas, budgets };
}

/** The picks cut to the budgets, renumbered within each cluster; with the tokens taken. */
export async function takeTokenPicks(conn: DuckDBConnection, picks: Pick[], clusterIds: Int32Array, budgets: Int32Array, tokens: number): Promise<{ picks: Pick[]; tokens: number }> {
  await conn.run('CREATE OR REPLACE TEMP TABLE token_candidates (id VARCHAR)');
  const appender = await conn.createAppender('token_candidates');
  try {
    for (const p of picks) {
      appender.appendVarchar(p.id);
      appender.endRow();
    }
  } finally {
    appender.closeSync();
  }
  const count = new Map<string, number>();
  for (const [id, t] of (await conn.runAndReadAll('SELECT id, tokens FROM token_counts SEMI JOIN token_candidates USING (id)')).getRowsJS()) count.set(id as string, Number(t));
  const index = new Map(Array.from(clusterIds, (c, j) => [c, j]));
  const byCluster: Pick[][] = Array.from(clusterIds, () => []);
  for (const p of picks) byCluster[index.get(p.cluster)!].push(p);
  byCluster.forEach((list) => list.sort((a, b) => a.pick - b.pick));
  const taken = takeWithinBudgets(
    byCluster.map((list) => Int32Array.from(list, (p) => count.get(p.id) ?? 0)),
    budgets,
    tokens,
  );
  const out: Pick[] = [];
  taken.taken.forEach((rows, j) => rows.forEach((i, pick) => out.push({ ...byCluster[j][i], pick })));
  return { picks: out, tokens: taken.tokens };
}
