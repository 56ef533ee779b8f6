/**
 * `semclust status OUTDIR`: each stage, the settings it ran with, when it finished, its
 * figures, and what is stale (an interrupted attempt, an input changed since embed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { STAGES } from '../../schemas/config.js';
import type { RunState } from '../run/manifest.js';
import { coverageLines, coverageStats } from '../report/coverage-table.js';

const show = (v: unknown) => (Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : JSON.stringify(v));

/** Recorded input files whose size or modification time differ now (a stat, no read). */
function changedInputs(state: RunState): string[] {
  const inputs = state.record('embed')?.stats?.inputs;
  if (!Array.isArray(inputs)) return [];
  const out: string[] = [];
  for (const f of inputs as { path: string; size: number; mtime_ms: number }[]) {
    const file = path.resolve(state.outDir, f.path);
    if (!fs.existsSync(file)) out.push(`${file} is gone`);
    else {
      const st = fs.statSync(file);
      if (st.size !== f.size) out.push(`${file} changed size (${f.size} → ${st.size} bytes)`);
      else if (st.mtimeMs !== f.mtime_ms) out.push(`${file} was modified (its content is checked on the next run)`);
    }
  }
  return out;
}

export function describeStatus(state: RunState): string {
  const lines = [`${state.outDir}:`];
  for (const stage of STAGES) {
    const r = state.record(stage);
    if (!r) {
      lines.push(`  ${stage}: not run`);
      continue;
    }
    const when = r.status === 'complete' ? `complete ${r.finished_at} (${(r.seconds ?? 0).toFixed(1)} s)` : `interrupted (begun ${r.started_at}); the next run resumes or redoes it`;
    lines.push(`  ${stage}: ${when}`);
    const settings = Object.entries(r.settings).map(([k, v]) => `${k}=${show(v)}`);
    if (settings.length > 0) lines.push(`    settings: ${settings.join('  ')}`);
    const figures = Object.entries(r.stats ?? {})
      .filter(([, v]) => typeof v !== 'object' || v === null)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US') : v}`);
    if (figures.length > 0) lines.push(`    figures: ${figures.join('  ')}`);
    const coverage = stage === 'sample' ? coverageStats.safeParse(r.stats?.coverage) : undefined;
    if (coverage?.success) lines.push(...coverageLines(coverage.data, `${show(r.settings.per_cluster)} + ${show(r.settings.within)}`).map((l) => `    ${l}`));
    if (stage === 'embed') for (const c of changedInputs(state)) lines.push(`    stale: ${c}; embed and every later stage will be redone`);
  }
  return lines.join('\n');
}
