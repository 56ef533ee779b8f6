/**
 * SemDeDup over a run folder: DuckDB streams embeddings/ joined to labels/ in cluster order
 * (sample-picks.ts clusterRows), each cluster's rows that earlier methods kept are deduplicated by
 * core/dedup/semdedup.ts, and each decision goes to a callback as its cluster finishes
 * (write-dedup-table.ts combines them with the exact and fuzzy ones). A few clusters run at once, each on its
 * own onnxruntime session (session.run works off the JS thread), pulling the next cluster
 * from the one stream. Memory holds those clusters and DuckDB's sort
 * budget, never the dataset. Noise rows (cluster −1) have no cluster to be compared within
 * and are kept. With `pairsFloor` each cluster goes through the ε-free pass instead
 * (core/dedup/semdedup-pairs.ts) and its pairs go to `onPairs` for a later ε (semantic-pairs.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { KeptSimilarity } from '../../core/kernels/kept-similarity.js';
import { PairSimilarity } from '../../core/kernels/pair-similarity.js';
import { semDeDup, type DedupKeep, type SemDeDupResult } from '../../core/dedup/semdedup.js';
import { selectFromPairs, semDeDupPairs } from '../../core/dedup/semdedup-pairs.js';
import type { ClusterPairs } from './semantic-pairs.js';
import { takeRows } from '../../core/util/rows.js';
import { clusterRows, type ClusterRows } from '../sample/sample-picks.js';
import { concurrentSessions, sessionThreads } from '../workers/threads.js';

export interface SemanticOptions {
  epsilon: number;
  keep: DedupKeep;
  seed: number;
  /** Where DuckDB's cluster-order sort may spill; removed afterwards. */
  spillDir: string;
  /** Ids an earlier method removed: reported with their cluster, not compared (left out: none). */
  skip?: (id: string) => boolean;
  /** False: only each id's cluster is reported (the semantic method is off). */
  enabled?: boolean;
  /** Clusters deduplicated at once (default: concurrentSessions, operators/workers/threads.ts). */
  concurrency?: number;
  /** onnxruntime threads per cluster (default: sessionThreads, 1). */
  threads?: number;
  onCluster?: (done: number) => void;
  /** Keep every pair at cosine similarity ≥ this (1 − the largest ε to reselect at) and select from them. */
  pairsFloor?: number;
  /** Each cluster's pairs, ids in visiting order (with pairsFloor). */
  onPairs?: (pairs: ClusterPairs) => void;
}

/** SemDeDup's decision for one id; null for ids not compared (noise, skipped, method off). */
export interface SemanticDecision {
  kept: boolean;
  /** The kept id it duplicates (null when kept). */
  duplicateOf: string | null;
  /** Highest cosine similarity to a kept id visited before it (NaN for the first of its cluster). */
  similarity: number;
  /** That kept id, for a kept row too (null with a NaN similarity). */
  nearest: string | null;
}

/**
 * Streams every id of the run database's embeddings and labels views in cluster order and
 * calls `onId` with its cluster and SemDeDup decision. `dims` is the embedding width (the
 * kernel is built for it). Returns the number of clusters.
 */
export async function semanticDedup(
  conn: DuckDBConnection,
  dims: number,
  options: SemanticOptions,
  onId: (id: string, cluster: number, decision: SemanticDecision | null) => void,
): Promise<number> {
  let done = 0;
  const enabled = options.enabled ?? true;
  const stream = clusterRows(conn, options.spillDir, { all: true });
  // An async generator queues concurrent next() calls, so workers can share it.
  const next = async (): Promise<ClusterRows | null> => {
    const r = await stream.next();
    return r.done ? null : r.value;
  };
  const worker = async () => {
    const floor = options.pairsFloor;
    const threads = sessionThreads(options.threads);
    const kernel = !enabled ? null : floor === undefined ? await KeptSimilarity.create(dims, threads) : await PairSimilarity.create(dims, threads);
    try {
      for (let c = await next(); c !== null; c = await next()) {
        // The rows an earlier method kept, gathered into one block for SemDeDup.
        const compared: number[] = [];
        for (let i = 0; i < c.ids.length; i++) {
          if (kernel && c.cluster >= 0 && !options.skip?.(c.ids[i])) compared.push(i);
          else onId(c.ids[i], c.cluster, null);
        }
        if (kernel && compared.length > 0) {
          const n = compared.length;
          const rows = compared.length === c.ids.length ? c.values : takeRows(c.values, c.dims, Uint32Array.from(compared));
          const ids = compared.map((i) => c.ids[i]);
          const seed = options.seed + c.cluster;
          let r: SemDeDupResult;
          if (kernel instanceof KeptSimilarity) r = await semDeDup(kernel, rows, n, c.dims, { epsilon: options.epsilon, keep: options.keep, seed });
          else {
            const pairs = await semDeDupPairs(kernel, rows, n, c.dims, { keep: options.keep, seed, floor: floor! });
            r = selectFromPairs(pairs, options.epsilon, floor!);
            options.onPairs?.({ cluster: c.cluster, ids: Array.from(pairs.order, (k) => ids[k]), pairs: { ...pairs, order: Uint32Array.from({ length: n }, (_, k) => k) } });
          }
          reportDecisions(r, ids, c.cluster, onId);
        }
        done++;
        options.onCluster?.(done);
      }
    } finally {
      await kernel?.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? concurrentSessions(options.threads)) }, worker));
  } finally {
    // Ends the stream (and removes its spill folder) when a worker failed.
    await stream.return(undefined);
  }
  return done;
}

/** Hands each of a cluster's ids (`ids`, the rows of `r`) to `onId` with SemDeDup's decision. */
export function reportDecisions(r: SemDeDupResult, ids: readonly string[], cluster: number, onId: (id: string, cluster: number, decision: SemanticDecision) => void): void {
  for (let k = 0; k < ids.length; k++) {
    const kept = r.kept[k] === 1;
    onId(ids[k], cluster, {
      kept,
      duplicateOf: kept ? null : ids[r.nearestKept[k]],
      similarity: r.similarity[k] === -Infinity ? NaN : r.similarity[k],
      nearest: r.similarity[k] === -Infinity ? null : ids[r.nearestKept[k]],
    });
  }
}
