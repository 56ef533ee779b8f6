/**
 * OUTDIR/plot.svg: the 2-D projection of a seeded subset of rows, coloured by cluster,
 * with the sampled rows ringed once a sample exists. Written after infer and after sample.
 */
import path from 'node:path';
import { scatterSvg } from '../core/scatter-svg.js';
import { FILES, LABELS, PROJECTION, SAMPLE } from '../schemas/tables.js';
import { openRunDatabase } from '../operators/duckdb-views.js';
import { writeFileAtomic } from '../operators/write-file-atomic.js';

/** SVG stays light enough for a browser at this many points. */
const MAX_POINTS = 20_000;

export async function writePlot(outDir: string, seed: number, method: string): Promise<string | null> {
  const db = await openRunDatabase(outDir);
  try {
    if (!db.views.includes(PROJECTION.name) || !db.views.includes(LABELS.name)) return null;
    const hasSample = db.views.includes(SAMPLE.name);
    const p = PROJECTION.col;
    // Sample the projection first and join labels onto those few rows: the hash tables
    // then hold thousands of ids, not the whole dataset.
    const picked = hasSample ? `SELECT ${p.id}, ${p.x}, ${p.y}, true AS picked FROM ${PROJECTION.name} WHERE ${p.id} IN (SELECT ${SAMPLE.col.id} FROM ${SAMPLE.name})` : '';
    const sql = `
      WITH shown AS (
        SELECT ${p.id}, ${p.x}, ${p.y}, false AS picked FROM ${PROJECTION.name} USING SAMPLE reservoir(${MAX_POINTS} ROWS) REPEATABLE (${seed})
        ${hasSample ? `UNION ALL ${picked}` : ''})
      SELECT s.${p.x}, s.${p.y}, l.${LABELS.col.cluster}, s.picked
      FROM shown s JOIN ${LABELS.name} l USING (${p.id})`;
    const rows = (await db.connection.runAndReadAll(sql)).getRowsJS() as [number, number, number, boolean][];
    const total = (await db.connection.runAndReadAll(`SELECT count(*)::BIGINT FROM ${PROJECTION.name}`)).getRowsJS()[0][0];
    const svg = scatterSvg({
      x: Float32Array.from(rows, (r) => r[0]),
      y: Float32Array.from(rows, (r) => r[1]),
      cluster: Int32Array.from(rows, (r) => r[2]),
      picked: Uint8Array.from(rows, (r) => (r[3] ? 1 : 0)),
      title: `${path.basename(path.resolve(outDir))}: ${Number(total).toLocaleString('en-US')} rows, ${method}`,
      subtitle: `${rows.length.toLocaleString('en-US')} points shown; colour = cluster, grey = noise${hasSample ? ', rings = sample' : ''}`,
    });
    const file = path.join(outDir, FILES.plot);
    writeFileAtomic(file, svg);
    return file;
  } finally {
    db.close();
  }
}
