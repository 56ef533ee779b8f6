/**
 * OUTDIR/report.html: one self-contained page (no network, no CDN) to see what each
 * cluster is — a canvas map of the 2-D projection (framed on the 1st–99th percentiles,
 * outliers clamped to the edge and marked) with pan, zoom and hover, the clusters by size
 * with keywords, labels and sample counts, click-to-zoom with representative texts, a
 * search box, "more like this", box selection exported as ids or SQL, colour and filter by
 * `--facet` fields, noise and sample toggles, a histogram of cluster sizes, the duplicate pairs
 * nearest each dedup threshold. The page's
 * script and styles are the source files in page/, inlined here; the data goes in
 * as one JSON block (coordinates as base64 typed arrays). Written after infer and sample,
 * and by `semclust report OUTDIR`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../../schemas/config.js';
import { CLUSTERS, DEDUP, FILES, LABELS, PROJECTION, SAMPLE } from '../../schemas/tables.js';
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';
import { writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import { clampToFrame, mapFrame } from '../../core/plot/map-frame.js';
import { facetLegend } from '../../core/plot/facet-legend.js';
import { clusterColours } from './cluster-colours.js';
import { readClusterDescriptions } from './describe-clusters.js';
import { kSweepHtml, readKSweep } from './k-sweep-table.js';
import { nearThresholdHtml, readNearThreshold } from './dedup-nearest.js';
import { mapPoints, projectPicks } from './map-data.js';
import { RunState } from '../run/manifest.js';
import { coverageHeading, coverageRows, coverageStats, type CoverageStats } from './coverage-table.js';

/** Characters of each text kept for hover and search: the page stays small at the point cap. */
const TEXT_CHARS = 280;
/** Above this many sampled points the rings start off: 10,000 rings turned clusters into black blobs (issue 22). */
const RINGS_UP_TO = 2000;
const PAGE_DIR = new URL('../../../pipeline/report/page/', import.meta.url);

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const html = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The sample's coverage (pipeline/report/coverage-table.ts) as a small table in the side panel. */
const coverageBlock = (c: CoverageStats, rule: string) =>
  `<h2>Sample coverage</h2><table id="coverage" style="margin: 0 10px; font-size: 12px; border-spacing: 8px 1px"><caption style="text-align: left">${html(coverageHeading(c))}</caption>` +
  `<tr><th></th><th>${html(rule)}</th><th>random (mean ± sd)</th></tr>` +
  coverageRows(c).map((r) => `<tr><td>${html(r.label)}</td><td style="text-align: right">${r.rule}</td><td style="text-align: right">${r.random}</td></tr>`).join('') +
  '</table>';

/**
 * Writes OUTDIR/report.html and returns its path. `coverage`: the sample's, while the sample stage
 * runs; left out, the one manifest.json records with a complete sample.
 */
export async function writeReport(outDir: string, s: Pick<Settings, 'report_max_points' | 'seed' | 'facet' | 'id_key'>, coverage?: CoverageStats): Promise<string> {
  const page = await withRunDatabase(outDir, async (conn, views) => {
    for (const t of [PROJECTION, LABELS, CLUSTERS]) {
      if (!views.includes(t.name)) throw new Error(`${outDir} has no ${t.path}: run semclust infer first`);
    }
    const hasSample = views.includes(SAMPLE.name);
    await projectPicks(conn, outDir, views);
    const m = await mapPoints(conn, { maxPoints: s.report_max_points, seed: s.seed, hasSample, textChars: TEXT_CHARS, withIds: true, facets: s.facet, userIds: s.id_key !== undefined });
    const outside = clampToFrame(m.x, m.y, mapFrame(m.x, m.y));
    const colours = await clusterColours(conn);
    // A drawn unsampled point stands for this many rows (every sampled row is drawn).
    const unpicked = m.picked.length - m.picked.reduce((a, b) => a + b, 0);
    const weight = unpicked > 0 ? (m.total - m.sampled) / unpicked : 1;
    const facets = s.facet.map((key, j) => {
      const f = facetLegend(m.facets[j], m.picked, weight);
      return { key, values: f.values, rows: f.rows, sampled: f.sampled, codes: b64(f.codes), rgb: b64(f.rgb) };
    });
    const picked = new Map<number, number>();
    if (hasSample) {
      const r = await conn.runAndReadAll(`SELECT ${SAMPLE.col.cluster}, count(*)::BIGINT FROM ${SAMPLE.name} GROUP BY 1`);
      for (const [c, k] of r.getRowsJS()) picked.set(Number(c), Number(k));
    }
    const noise = Number((await conn.runAndReadAll(`SELECT count(*)::BIGINT FROM ${LABELS.name} WHERE ${LABELS.col.cluster} < 0`)).getRowsJS()[0][0]);
    const clusters = readClusterDescriptions(outDir)
      .filter((c) => c.size > 0)
      .sort((a, b) => b.size - a.size || a.cluster - b.cluster)
      .map((c) => ({ id: c.cluster, size: c.size, picked: picked.get(c.cluster) ?? 0, keywords: c.keywords, label: c.label, reps: c.representatives }));
    const fmt = (n: number) => n.toLocaleString('en-US');
    const title = `${path.basename(path.resolve(outDir))}: ${fmt(m.total)} rows, ${fmt(clusters.length)} clusters`;
    const caption = [
      m.x.length === m.total ? `all ${fmt(m.total)} rows shown` : `${fmt(m.x.length)} of ${fmt(m.total)} rows shown (seeded subsample${hasSample ? ', every sampled row kept' : ''})`,
      noise > 0 ? `${fmt(noise)} noise rows (grey)` : '',
      hasSample ? `${fmt(m.sampled)} sampled rows` : '',
      outside.includes(1) ? `${fmt(outside.reduce((a, b) => a + b, 0))} outliers drawn at the edge (outlined)` : '',
    ].filter(Boolean).join(' · ');
    const kSweep = readKSweep(outDir);
    const nearThreshold = views.includes(DEDUP.name) ? await readNearThreshold(conn, outDir) : [];
    const recorded = hasSample ? RunState.open(outDir).record('sample') : undefined;
    // A manifest's figures are read back through their schema: one from another version is left out, not half drawn.
    const kept = recorded?.status === 'complete' ? coverageStats.safeParse(recorded.stats?.coverage) : undefined;
    const cov = hasSample ? (coverage ?? (kept?.success ? kept.data : undefined)) : undefined;
    const rule = recorded?.settings ? `${String(recorded.settings.per_cluster)} + ${String(recorded.settings.within)}` : 'sample';
    const data = {
      hasSample,
      coverage: cov ?? null,
      rings: hasSample && m.sampled <= RINGS_UP_TO,
      x: b64(m.x),
      y: b64(m.y),
      cluster: b64(m.cluster),
      picked: b64(m.picked),
      outside: b64(outside),
      colours: b64(colours),
      ids: m.ids,
      texts: m.texts,
      userIds: m.userIds,
      clusters,
      facets,
      kSweep,
    };
    // `<` escaped so no text can close the script element.
    const json = JSON.stringify(data).replace(/</g, '\\u003c');
    const css = fs.readFileSync(new URL('page.css', PAGE_DIR), 'utf8');
    const js = fs.readFileSync(new URL('page.js', PAGE_DIR), 'utf8');
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title><style>${css}</style></head>
<body>
<header><h1>${html(title)}</h1><span class="caption" title="${html(caption)}">${html(caption)}</span>
<input id="search" type="search" placeholder="Search texts…" aria-label="search texts">
${facets.length > 0 ? `<label>colour by <select id="colour-by"><option value="">cluster</option>${facets.map((f, j) => `<option value="${j}">${html(f.key)}</option>`).join('')}</select></label>` : ''}
<label><input id="show-noise" type="checkbox"> noise</label>
${hasSample ? '<label><input id="only-sample" type="checkbox"> only the sample</label><label><input id="rings" type="checkbox"> ring the sample</label>' : ''}
</header>
<main><div id="map-wrap"><canvas id="map"></canvas><div id="tooltip"></div><div id="box"></div>
<div class="hint">drag: pan · wheel: zoom · click: zoom to the cluster · shift-drag: select · double-click: reset</div></div>
<aside><div id="legend"></div><div id="selection"></div><div id="point"></div><h2>Cluster sizes</h2><div id="histogram"></div><div id="results"></div><div id="detail"></div>
${cov ? coverageBlock(cov, rule) : ''}${nearThreshold.length ? nearThresholdHtml(nearThreshold, html) : ''}
<h2>Clusters by size (click to zoom)</h2><ul id="clusters"></ul>${kSweep ? kSweepHtml(kSweep) : ''}</aside></main>
<script type="application/json" id="semclust-data">${json}</script>
<script>${js}</script>
</body></html>
`;
  });
  const file = path.join(outDir, FILES.report);
  writeFileAtomic(file, page);
  return file;
}
