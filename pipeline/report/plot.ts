/**
 * OUTDIR/plot.svg: the 2-D map of a seeded subset of rows (the same points report.html
 * draws, see map-data.ts), coloured by cluster, the sampled rows ringed once a sample
 * exists, and the top keyword (or LLM label) of the largest clusters at their centres.
 * Written after infer and after sample.
 */
import path from 'node:path';
import { scatterSvg } from '../../core/plot/scatter-svg.js';
import { CLUSTERS, FILES, LABELS, PROJECTION, SAMPLE } from '../../schemas/tables.js';
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';
import { writeFileAtomic } from '../../operators/store/write-file-atomic.js';
import { clusterColours } from './cluster-colours.js';
import { readClusterDescriptions } from './describe-clusters.js';
import { mapCentres, mapPoints, projectPicks } from './map-data.js';

/** SVG stays light enough for a browser at this many points. */
const MAX_POINTS = 20_000;
/** Keywords written on the picture: more overlap into an unreadable pile at 900 px. */
const LABELLED_CLUSTERS = 15;

export async function writePlot(outDir: string, seed: number, method: string): Promise<string | null> {
  return withRunDatabase(outDir, async (conn, views) => {
    if (!views.includes(PROJECTION.name) || !views.includes(LABELS.name)) return null;
    const hasSample = views.includes(SAMPLE.name);
    await projectPicks(conn, outDir, views);
    const m = await mapPoints(conn, { maxPoints: MAX_POINTS, seed, hasSample, textChars: 0 });
    const centres = mapCentres(m);
    const colours = await clusterColours(conn);
    const clusters = views.includes(CLUSTERS.name) ? readClusterDescriptions(outDir) : [];
    const labels = clusters
      .filter((c) => centres.has(c.cluster) && (c.label || c.keywords.length > 0))
      .sort((a, b) => b.size - a.size || a.cluster - b.cluster)
      .slice(0, LABELLED_CLUSTERS)
      .map((c) => ({ x: centres.get(c.cluster)![0], y: centres.get(c.cluster)![1], text: c.label || c.keywords[0] }));
    const fmt = (n: number) => n.toLocaleString('en-US');
    const shown = m.x.length === m.total ? `all ${fmt(m.total)} rows shown` : `${fmt(m.x.length)} of ${fmt(m.total)} rows shown (seeded subsample${hasSample ? ', every sampled row kept' : ''})`;
    const svg = scatterSvg({
      ...m,
      colours,
      title: `${path.basename(path.resolve(outDir))}: ${fmt(m.total)} rows, ${method}`,
      subtitle: `${shown}; colour = cluster, grey = noise${hasSample ? `, rings = the ${fmt(m.sampled)} sampled rows` : ''}; ◆ = outliers drawn at the edge (the frame is the 1st–99th percentile of each axis); words = top keyword of the ${labels.length} largest clusters`,
      labels,
    });
    const file = path.join(outDir, FILES.plot);
    writeFileAtomic(file, svg);
    return file;
  });
}
