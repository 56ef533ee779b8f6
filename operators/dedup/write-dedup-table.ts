/**
 * The dedup/ table: one row per input row, in row order, combining the exact and fuzzy
 * decisions (lexical-dedup.ts) with SemDeDup's (dedup-clusters.ts), which only compared the
 * rows the first two kept. A row's reason is the first method that removed it; its group is
 * the id finally kept for it (a fuzzy group whose kept row SemDeDup removed joins that row's
 * semantic keeper). A row matched against a reference set (--against) is removed as
 * against:exact, against:fuzzy or against:semantic before any of them, its group and duplicate the reference
 * row's id. Also the stage's totals, per method and per cluster.
 */
import path from 'node:path';
import fs from 'node:fs';
import { DEDUP } from '../../schemas/tables.js';
import { partName, writeParquet } from '../parquet/parquet.js';
import type { SemanticDecision } from './dedup-clusters.js';
import type { ReferenceMatch } from './semantic-against.js';
import { AGAINST_EXACT, type LexicalDecisions } from './lexical-dedup.js';

export type DedupReason = 'exact' | 'fuzzy' | 'semantic' | 'against:exact' | 'against:fuzzy' | 'against:semantic';
/** The totals' keys: the against:* reasons counted together. */
export type RemovedBy = 'exact' | 'fuzzy' | 'semantic' | 'against';

export interface DedupTableTotals {
  rows: number;
  kept: number;
  removed: number;
  removed_fraction: number;
  removed_by: Record<RemovedBy, number>;
  noise_rows: number;
  clusters: number;
  clusters_with_duplicates: number;
  removed_share_percentiles: Record<string, number>;
  most_removed: [number, number, number][];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}

/**
 * Writes OUTDIR/dedup/ in parts of `partRows` rows; `clusterOf` and `semantic` come from
 * semanticDedup, `againstSemantic` from semanticAgainst (empty without). With `exact` off, a
 * later row of an id shares its first row's decision.
 */
export function writeDedupTable(
  outDir: string,
  partRows: number,
  lexical: LexicalDecisions,
  clusterOf: ReadonlyMap<string, number>,
  semantic: ReadonlyMap<string, SemanticDecision>,
  exact: boolean,
  againstSemantic: ReadonlyMap<string, ReferenceMatch> = new Map(),
): DedupTableTotals {
  const dir = path.join(outDir, DEDUP.path);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const { ids, userIds, sources, lines, firstRow, distinctRows, fuzzy, against } = lexical;
  const distinctOf = new Int32Array(ids.length).fill(-1);
  distinctRows.forEach((row, d) => (distinctOf[row] = d));
  /** The id finally kept for distinct id d's group. */
  const groupOf = (d: number): string => {
    const root = ids[distinctRows[fuzzy ? fuzzy.group[d] : d]];
    const s = semantic.get(root);
    return s && !s.kept && s.duplicateOf !== null ? s.duplicateOf : root;
  };
  const removedBy: Record<RemovedBy, number> = { exact: 0, fuzzy: 0, semantic: 0, against: 0 };
  const perCluster = new Map<number, [number, number]>();
  let noise = 0;
  let part = 0;
  for (let start = 0; start < ids.length; start += partRows) {
    const n = Math.min(partRows, ids.length - start);
    const cluster = new Int32Array(n);
    const kept = new Uint8Array(n);
    const reason: (string | null)[] = [];
    const group: string[] = [];
    const duplicateOf: (string | null)[] = [];
    const similarity = new Float32Array(n).fill(NaN);
    const jaccard = new Float32Array(n).fill(NaN);
    const reference: (string | null)[] = [];
    const similarityTo: (string | null)[] = new Array(n).fill(null);
    const jaccardTo: (string | null)[] = new Array(n).fill(null);
    for (let k = 0; k < n; k++) {
      const row = start + k;
      const id = ids[row];
      const d = distinctOf[firstRow[row]];
      const s = semantic.get(id);
      let why: DedupReason | null = null;
      let dup: string | null = null;
      let where: string | null = null;
      const sa = againstSemantic.get(id);
      if (against && against.how[d]) {
        const ref = against.match[d];
        [why, dup, where] = [against.how[d] === AGAINST_EXACT ? 'against:exact' : 'against:fuzzy', against.ids[ref], against.where[ref]];
        jaccard[k] = against.jaccard[d];
        if (jaccard[k] === jaccard[k]) jaccardTo[k] = dup;
      } else if (sa) {
        [why, dup, where] = ['against:semantic', sa.id, sa.where];
        [similarity[k], similarityTo[k]] = [sa.similarity, sa.id];
      } else if (firstRow[row] !== row && exact) [why, dup] = ['exact', id];
      else if (fuzzy && !fuzzy.kept[d]) [why, dup] = ['fuzzy', ids[distinctRows[fuzzy.match[d]]]];
      else if (s && !s.kept) [why, dup] = ['semantic', s.duplicateOf];
      if (firstRow[row] === row && where === null) {
        if (fuzzy) [jaccard[k], jaccardTo[k]] = [fuzzy.jaccard[d], fuzzy.match[d] >= 0 ? ids[distinctRows[fuzzy.match[d]]] : null];
        if (s) [similarity[k], similarityTo[k]] = [s.similarity, s.nearest];
      }
      const c = clusterOf.get(id) ?? -1;
      cluster[k] = c;
      kept[k] = why === null ? 1 : 0;
      reason.push(why);
      duplicateOf.push(dup);
      group.push(where !== null ? (dup as string) : groupOf(d));
      reference.push(where);
      if (why) removedBy[why.startsWith('against:') ? 'against' : (why as RemovedBy)]++;
      if (c < 0) noise++;
      else {
        const t = perCluster.get(c) ?? [0, 0];
        t[0]++;
        if (why) t[1]++;
        perCluster.set(c, t);
      }
    }
    writeParquet(
      path.join(dir, partName(part++)),
      DEDUP,
      { id: ids.slice(start, start + n), user_id: userIds.slice(start, start + n), source: sources.slice(start, start + n), line: lines.slice(start, start + n), cluster, kept, reason, group_id: group, duplicate_of: duplicateOf, similarity, jaccard, reference, similarity_to: similarityTo, jaccard_to: jaccardTo },
      n,
    );
  }
  const clusters = [...perCluster.entries()].map(([c, [size, removed]]) => [c, size, removed] as [number, number, number]).sort((a, b) => a[0] - b[0]);
  const removed = removedBy.exact + removedBy.fuzzy + removedBy.semantic + removedBy.against;
  const shares = clusters.map(([, n, r]) => r / n).sort((a, b) => a - b);
  return {
    rows: ids.length,
    kept: ids.length - removed,
    removed,
    removed_fraction: ids.length ? removed / ids.length : 0,
    removed_by: removedBy,
    noise_rows: noise,
    clusters: clusters.length,
    clusters_with_duplicates: clusters.filter(([, , r]) => r > 0).length,
    removed_share_percentiles: Object.fromEntries([10, 25, 50, 75, 90, 99].map((p) => [`p${p}`, +percentile(shares, p / 100).toFixed(4)])),
    most_removed: [...clusters].sort((a, b) => b[2] / b[1] - a[2] / a[1] || a[0] - b[0]).slice(0, 5),
  };
}
