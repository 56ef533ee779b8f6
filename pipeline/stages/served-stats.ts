/**
 * A served model's requests and tokens as the embed stage records them (issue 19), once for
 * one process (its own attempt plus the parts kept from earlier ones) and for a merge of
 * shards (every input unit's counts summed), with the cost estimate said once.
 */
import type { ServedUsage } from '../../operators/embedders/embedder.js';

export interface ServedStats extends ServedUsage {
  /** total_tokens × cost_per_million_tokens / 10⁶, when that setting is given. */
  estimated_cost?: number;
}

export function servedStats(u: ServedUsage, costPerMillion: number | undefined, log: (line: string) => void): ServedStats {
  const cost = costPerMillion === undefined ? undefined : (u.total_tokens / 1e6) * costPerMillion;
  if (cost !== undefined) log(`embed: ${u.total_tokens.toLocaleString('en-US')} tokens at ${costPerMillion} per million tokens ≈ ${cost.toFixed(4)}`);
  return { ...u, ...(cost === undefined ? {} : { estimated_cost: Number(cost.toFixed(6)) }) };
}
