/**
 * The duplicate pairs nearest each dedup threshold, as report.html shows them: for fuzzy
 * (exact Jaccard vs --fuzzy-threshold) and semantic (cosine similarity vs 1 − ε), the
 * pairs just at or above the threshold (the removed rows least like their duplicate) and just
 * below it (the kept rows most like an earlier row), both texts side by side. Read from
 * dedup/'s score columns and the ids they were measured against (similarity_to, jaccard_to),
 * with the threshold the dedup stage recorded; a plain HTML table, no script.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEDUP, ROWS } from '../../schemas/tables.js';
import { RunState } from '../run/manifest.js';
import { sqlString } from '../../operators/duckdb/sql-string.js';

/** Pairs on each side of each threshold: enough to see where the line falls, few enough to read. */
export const NEAR_PAIRS = 5;
/** Characters of each text shown. */
const TEXT_CHARS = 200;

export interface NearPair {
  score: number;
  removed: boolean;
  id: string;
  other: string;
  text: string;
  otherText: string;
}

export interface NearThreshold {
  method: 'fuzzy' | 'semantic';
  /** Jaccard for fuzzy, cosine similarity (1 − ε) for semantic: a score ≥ it removes. */
  threshold: number;
  label: string;
  /** Removed pairs from the threshold up, then kept pairs from the threshold down. */
  pairs: NearPair[];
}

/** The pairs nearest the thresholds of the methods the complete dedup ran (none without dedup/). */
export async function readNearThreshold(conn: DuckDBConnection, outDir: string): Promise<NearThreshold[]> {
  const record = RunState.open(outDir).record('dedup');
  if (record?.status !== 'complete') return [];
  const methods = (record.settings.dedup_methods as string[] | undefined) ?? [];
  const d = DEDUP.col;
  const sides: NearThreshold[] = [];
  const specs = [
    { method: 'fuzzy' as const, on: methods.includes('fuzzy'), score: d.jaccard, to: d.jaccard_to, threshold: Number(record.settings.fuzzy_threshold), label: `fuzzy: Jaccard of the word or character n-grams, threshold ${record.settings.fuzzy_threshold}` },
    { method: 'semantic' as const, on: methods.includes('semantic'), score: d.similarity, to: d.similarity_to, threshold: 1 - Number(record.settings.dedup_epsilon), label: `semantic: cosine similarity, threshold 1 − ε = ${+(1 - Number(record.settings.dedup_epsilon)).toFixed(6)}` },
  ];
  for (const s of specs) {
    if (!s.on || !Number.isFinite(s.threshold)) continue;
    const side = async (removed: boolean) =>
      (
        await conn.runAndReadAll(
          removed
            ? `SELECT DISTINCT ${s.score}::DOUBLE AS score, ${d.id}, ${d.duplicate_of} FROM ${DEDUP.name} WHERE ${d.reason} = '${s.method}' AND ${s.score} >= ${s.threshold} ORDER BY 1, 2 LIMIT ${NEAR_PAIRS}`
            : `SELECT DISTINCT ${s.score}::DOUBLE AS score, ${d.id}, ${s.to} FROM ${DEDUP.name} WHERE ${d.kept} AND ${s.to} IS NOT NULL AND ${s.score} < ${s.threshold} ORDER BY 1 DESC, 2 LIMIT ${NEAR_PAIRS}`,
        )
      ).getRowsJS().map(([score, id, other]) => ({ score: Number(score), removed, id: String(id), other: String(other), text: '', otherText: '' }));
    const pairs = [...(await side(true)), ...(await side(false))];
    if (pairs.length) sides.push({ method: s.method, threshold: s.threshold, label: s.label, pairs });
  }
  const ids = [...new Set(sides.flatMap((s) => s.pairs.flatMap((p) => [p.id, p.other])))];
  if (ids.length) {
    const r = ROWS.col;
    const texts = new Map(
      (await conn.runAndReadAll(`SELECT ${r.id}, any_value(${r.text}) FROM ${ROWS.name} WHERE ${r.id} IN (${ids.map(sqlString).join(', ')}) GROUP BY 1`))
        .getRowsJS()
        .map(([id, text]) => [String(id), String(text).slice(0, TEXT_CHARS)]),
    );
    for (const p of sides.flatMap((s) => s.pairs)) [p.text, p.otherText] = [texts.get(p.id) ?? '', texts.get(p.other) ?? ''];
  }
  return sides;
}

/** The pairs as an HTML section for the report's side panel. */
export function nearThresholdHtml(sides: readonly NearThreshold[], html: (s: string) => string): string {
  const tables = sides.map((s) => {
    const rows = s.pairs
      .map((p) => `<tr class="${p.removed ? 'removed' : 'kept'}"><td>${p.score.toFixed(4)}</td><td>${p.removed ? 'removed' : 'kept'}</td><td>${html(p.text)}</td><td>${html(p.otherText)}</td></tr>`)
      .join('');
    return `<table class="near-threshold" data-method="${s.method}" data-threshold="${s.threshold}"><caption>${html(s.label)}</caption><tr><th>score</th><th></th><th>row</th><th>earlier row</th></tr>${rows}</table>`;
  });
  return `<h2>Duplicates nearest the threshold</h2><p>Per method, the ${NEAR_PAIRS} removed pairs least alike (at or above the threshold) and the ${NEAR_PAIRS} kept rows most like an earlier row (below it).</p><div id="near-threshold">${tables.join('')}</div>`;
}
