/**
 * A labelled run folder in the real layouts of schemas/tables.ts, written directly so that
 * bench:report can measure keywords and report.html at 1M rows without an hour of embed,
 * fit and infer. Row i is bench/synthetic-jsonl.ts's text i (two Banking77 queries joined,
 * so the words are real), its cluster is the intent of the first query (77 clusters), its
 * map position that intent's seeded centre plus Gaussian scatter, and 1,000 seeded rows
 * form the sample. No embeddings: the representatives written later are the first 5 rows
 * of each cluster, not the nearest to a centre.
 *
 * Writes rows/, labels/, projection/ (parts of `partRows`, as embed and infer do),
 * sample.parquet and bench-meta.json (sizes, map centres, representatives) for
 * writeSyntheticClusters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRng, sampleIndices } from '../core/util/random.js';
import { createRowIdHasher } from '../core/text/row-id.js';
import { writeParquet, partName } from '../operators/parquet/parquet.js';
import { CLUSTERS, LABELS, PROJECTION, ROWS, SAMPLE } from '../schemas/tables.js';
import { banking77File } from '../scripts/banking77-data.js';
import { syntheticText } from './synthetic-jsonl.js';

const META = 'bench-meta.json';
const REPRESENTATIVES = 5;
const SAMPLE_ROWS = 1000;

interface Meta {
  rows: number;
  clusters: number;
  sizes: number[];
  centres: number[];
  representatives: string[][];
}

/** Banking77's texts and their intent index (categories sorted by name). */
function banking77Labelled(): { texts: string[]; intents: Int32Array; names: string[] } {
  const records = fs.readFileSync(banking77File(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { text: string; category: string });
  const names = [...new Set(records.map((r) => r.category))].sort();
  const index = new Map(names.map((n, i) => [n, i]));
  return { texts: records.map((r) => r.text), intents: Int32Array.from(records, (r) => index.get(r.category)!), names };
}

/** Writes the run folder `dir` for `rows` rows unless bench-meta.json says it is there. */
export async function writeSyntheticRun(dir: string, rows: number, partRows: number, seed = 42): Promise<void> {
  const metaFile = path.join(dir, META);
  if (fs.existsSync(metaFile) && (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Meta).rows === rows) return;
  fs.rmSync(dir, { recursive: true, force: true });
  for (const t of [ROWS, LABELS, PROJECTION]) fs.mkdirSync(path.join(dir, t.path), { recursive: true });
  const { texts, intents, names } = banking77Labelled();
  const k = names.length;
  const rng = createRng(seed);
  // Intent centres spread over a 40 × 40 square, scatter σ = 1: clusters overlap a little, as on a UMAP map.
  const centres = Array.from({ length: 2 * k }, () => (rng.next() - 0.5) * 40);
  const sizes = new Array<number>(k).fill(0);
  const representatives: string[][] = Array.from({ length: k }, () => []);
  const hash = await createRowIdHasher();
  const picked = new Set(sampleIndices(rows, Math.min(SAMPLE_ROWS, rows), createRng(seed + 1)));
  const sample = { id: [] as string[], cluster: [] as number[], pick: [] as number[] };
  const pickCount = new Array<number>(k).fill(0);
  for (let start = 0, part = 0; start < rows; start += partRows, part++) {
    const n = Math.min(partRows, rows - start);
    const ids: string[] = [], rowTexts: string[] = [], records: string[] = [];
    const cluster = new Int32Array(n), x = new Float32Array(n), y = new Float32Array(n), line = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const i = start + j;
      const text = syntheticText(texts, i);
      const c = intents[i % texts.length];
      const id = hash(text);
      ids.push(id);
      rowTexts.push(text);
      records.push(JSON.stringify({ text, source: 'synthetic', n: i }));
      line[j] = i + 1;
      cluster[j] = c;
      x[j] = centres[2 * c] + rng.gaussian();
      y[j] = centres[2 * c + 1] + rng.gaussian();
      sizes[c]++;
      if (representatives[c].length < REPRESENTATIVES) representatives[c].push(text);
      if (picked.has(i)) {
        sample.id.push(id);
        sample.cluster.push(c);
        sample.pick.push(pickCount[c]++);
      }
    }
    const file = partName(part);
    writeParquet(path.join(dir, ROWS.path, file), ROWS, { id: ids, text: rowTexts, record: records, source: new Array(n).fill('synthetic.jsonl'), line }, n);
    writeParquet(path.join(dir, LABELS.path, file), LABELS, { id: ids, cluster, probability: new Float32Array(n).fill(1), reassigned: new Uint8Array(n) }, n);
    writeParquet(path.join(dir, PROJECTION.path, file), PROJECTION, { id: ids, x, y }, n);
  }
  writeParquet(path.join(dir, SAMPLE.path), SAMPLE, { id: sample.id, cluster: Int32Array.from(sample.cluster), pick: Int32Array.from(sample.pick) }, sample.id.length);
  const meta: Meta = { rows, clusters: k, sizes, centres, representatives };
  fs.writeFileSync(metaFile, JSON.stringify(meta));
}

/** clusters.parquet of a synthetic run from its meta file and the keywords just computed. */
export function writeSyntheticClusters(dir: string, keywords: string[][], scores: Float32Array[]): void {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, META), 'utf8')) as Meta;
  const k = meta.clusters;
  writeParquet(
    path.join(dir, CLUSTERS.path),
    CLUSTERS,
    {
      cluster: Int32Array.from({ length: k }, (_, c) => c),
      size: Float64Array.from(meta.sizes),
      centroid: { values: Float32Array.from(meta.centres), dims: 2 },
      keywords,
      keyword_scores: scores,
      representative_ids: meta.representatives.map((r) => r.map(() => '')),
      representatives: meta.representatives,
      label: new Array(k).fill(''),
    },
    k,
  );
}

/** Clusters of a synthetic run and the largest one. */
export function syntheticClusters(dir: string): { clusters: number; largest: number } {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, META), 'utf8')) as Meta;
  return { clusters: meta.clusters, largest: meta.sizes.indexOf(Math.max(...meta.sizes)) };
}
