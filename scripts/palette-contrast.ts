/**
 * How far apart the colours of neighbouring clusters are on a run's map: for each cluster
 * and its nearest (and 6 nearest) clusters by mean map position, the CIELAB ΔE between their
 * colours, for report.html's palette (core/plot/cluster-palette.ts) and, as the baseline, the
 * golden-angle hue of the cluster id at 70% saturation and 45% lightness it replaced.
 *
 *   npx tsc -p . && node dist/scripts/palette-contrast.js out/sotu-kmeans
 */
import { centreNeighbours, clusterPalette, deltaE, hslToRgb, rgbToLab } from '../core/plot/cluster-palette.js';
import { withRunDatabase } from '../operators/duckdb/duckdb-views.js';
import { LABELS, PROJECTION } from '../schemas/tables.js';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node dist/scripts/palette-contrast.js OUTDIR');
  process.exit(2);
}
const rows = await withRunDatabase(outDir, async (conn) =>
  (await conn.runAndReadAll(`SELECT l.cluster, avg(p.x), avg(p.y) FROM ${PROJECTION.name} p JOIN ${LABELS.name} l USING (id) WHERE l.cluster >= 0 GROUP BY 1`)).getRowsJS() as [number, number, number][],
);
const k = rows.reduce((m, r) => Math.max(m, r[0] + 1), 0);
const cx = new Float32Array(k).fill(NaN), cy = new Float32Array(k).fill(NaN);
for (const [c, x, y] of rows) [cx[c], cy[c]] = [x, y];

const goldenAngle = new Uint8Array(k * 3);
for (let c = 0; c < k; c++) goldenAngle.set(hslToRgb((c * 137.508) % 360, 0.7, 0.45), c * 3);

console.log(`${outDir}: ${rows.length} clusters on the map`);
for (const [name, rgb] of [['golden-angle hue of the id (before issue 22)', goldenAngle], ['report palette', clusterPalette(cx, cy)]] as const) {
  const lab = (c: number) => rgbToLab(rgb[c * 3], rgb[c * 3 + 1], rgb[c * 3 + 2]);
  const figures = [1, 6].map((n) => {
    let worst = Infinity, close = 0;
    for (const [a, near] of centreNeighbours(cx, cy, n).entries()) for (const b of near) if (a < b) {
      const d = deltaE(lab(a), lab(b));
      worst = Math.min(worst, d);
      if (d < 10) close++;
    }
    return `${n} nearest: min ΔE ${worst.toFixed(1)}, ${close} pairs under ΔE 10`;
  });
  console.log(`  ${name.padEnd(46)} ${figures.join('; ')}`);
}
