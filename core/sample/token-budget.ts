/**
 * Picks under token budgets (`--sample-tokens`, issue 22): each cluster's rows come in its pick
 * order (seeded random, farthest-point or score order) with their token counts, and the cluster
 * has a budget in tokens (allocate-quotas.ts applied to the clusters' token totals). A row is
 * taken when it still fits the cluster's budget and skipped otherwise, so a long row does not end
 * a cluster early; what the clusters leave unspent is then filled from the rows not yet taken,
 * cluster by cluster in pick order, each while it fits the rest of the total. The total lands on
 * the target unless no row left is short enough: below it by less than the shortest row not
 * taken, never above. This is first-fit in the given order, not a knapsack optimum: the order is
 * the sampling rule's, and keeping it matters more than the last few tokens.
 */

export interface BudgetPicks {
  /** Per cluster, the positions (into its pick order) of the rows taken, ascending. */
  taken: Int32Array[];
  /** Tokens taken in all. */
  tokens: number;
}

/**
 * `tokens[c]`: cluster c's rows' token counts (integers ≥ 0) in its pick order; `budgets[c]` its
 * budget; `total`: the tokens wanted in all (usually Σ budgets).
 */
export function takeWithinBudgets(tokens: readonly Int32Array[], budgets: ArrayLike<number>, total: number): BudgetPicks {
  if (tokens.length !== budgets.length) throw new RangeError(`${tokens.length} clusters of rows but ${budgets.length} budgets`);
  const takenFlags = tokens.map((t) => new Uint8Array(t.length));
  let spent = 0;
  tokens.forEach((t, c) => {
    let left = budgets[c];
    for (let i = 0; i < t.length && left > 0; i++) {
      if (t[i] < 0) throw new RangeError(`cluster ${c}, row ${i}: token count ${t[i]} < 0`);
      if (t[i] <= left) {
        takenFlags[c][i] = 1;
        left -= t[i];
        spent += t[i];
      }
    }
  });
  // Unspent budget: clusters whose rows ran out or did not fit exactly.
  for (let c = 0; c < tokens.length && spent < total; c++) {
    const t = tokens[c];
    for (let i = 0; i < t.length && spent < total; i++) {
      if (!takenFlags[c][i] && t[i] <= total - spent) {
        takenFlags[c][i] = 1;
        spent += t[i];
      }
    }
  }
  const taken = takenFlags.map((f) => {
    const out: number[] = [];
    f.forEach((v, i) => v && out.push(i));
    return Int32Array.from(out);
  });
  return { taken, tokens: spent };
}
