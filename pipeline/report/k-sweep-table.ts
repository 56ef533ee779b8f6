/**
 * The k-sweep of `fit --k-sweep` (fit-k-sweep.ts) as report.html shows it: read from the fit
 * statistics in manifest.json, drawn as a plain HTML table (no script) with the fitted k
 * marked, and handed to the page script in the data block as `kSweep` for a chart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Manifest } from '../../schemas/manifest.js';
import { FILES } from '../../schemas/tables.js';
import { kSweepRow, type KSweepRow } from '../stages/fit-k-sweep.js';

export interface KSweep {
  rows: KSweepRow[];
  /** The k the model was fitted with; `rule` when --k-sweep-pick chose it. */
  fitted: number;
  rule: string | null;
}

/** The sweep the latest fit recorded, or null (no sweep, or no manifest). */
export function readKSweep(outDir: string): KSweep | null {
  const file = path.join(outDir, FILES.manifest);
  if (!fs.existsSync(file)) return null;
  const stats = Manifest.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).stages.fit?.stats;
  const parsed = z.object({ clusters: z.number(), k_sweep: z.array(kSweepRow), k_sweep_pick: z.object({ rule: z.string() }).optional() }).safeParse(stats);
  return parsed.success ? { rows: parsed.data.k_sweep, fitted: parsed.data.clusters, rule: parsed.data.k_sweep_pick?.rule ?? null } : null;
}

/** The sweep as an HTML section for the report's side panel. */
export function kSweepHtml(s: KSweep): string {
  const num = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const rows = s.rows
    .map((r) => {
      const cells = [String(r.k), num(r.inertia, 1), num(r.silhouette, 3), num(r.stability, 3), num(r.gini, 3)].map((c) => `<td>${c}</td>`).join('');
      return r.k === s.fitted ? `<tr style="font-weight:bold" title="the k this run is fitted with">${cells}</tr>` : `<tr>${cells}</tr>`;
    })
    .join('');
  const how = s.rule ? `k = ${s.fitted} chosen by --k-sweep-pick ${s.rule}` : `k = ${s.fitted} as --kmeans-num-clusters says`;
  return `<h2>Choosing k (fit --k-sweep)</h2><p>${how} (bold). Silhouette: higher is better separated; stability: agreement of 3 seeds (1 = identical); Gini: 0 = equal cluster sizes.</p>
<table id="k-sweep"><tr><th>k</th><th>inertia</th><th>silhouette</th><th>stability</th><th>Gini</th></tr>${rows}</table>`;
}
