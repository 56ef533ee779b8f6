/**
 * Stage 4: the representative sample. Cluster sizes come from DuckDB (GROUP BY over
 * labels/), quotas from the allocation rule, picks within each cluster from a seeded draw
 * or farthest-point traversal. Noise (cluster −1) is never picked. Memory holds the picks,
 * and for diverse picks the vectors of a group of clusters at a time, never the dataset.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { allocateQuotas } from '../../core/allocate-quotas.js';
import { farthestPointOrder } from '../../core/farthest-point.js';
import { createRng, sampleIndices } from '../../core/random.js';
import { CLUSTERS, FILES, LABELS, ROWS, SAMPLE } from '../../schemas/tables.js';
import { openRunDatabase } from '../../operators/duckdb-views.js';
import { int32sOf, listParts, readParquet, stringsOf, vectorsOf, writeParquet } from '../../operators/parquet.js';
import { writeFileAtomic } from '../../operators/write-file-atomic.js';
import { embeddingPartFiles, readEmbeddingPart } from '../../operators/read-embeddings.js';
import { clusterSizes } from '../cluster-stats.js';
import { stageKey } from '../manifest.js';
import { writePlot } from '../plot.js';
import { writeReport } from '../report.js';
import { Progress } from '../progress.js';
import type { StageContext } from '../stage-context.js';

interface Pick {
  id: string;
  cluster: number;
  pick: number;
}

interface LabelPart {
  ids: string[];
  clusters: Int32Array;
}

function* labelParts(outDir: string): Generator<LabelPart> {
  for (const file of listParts(path.join(outDir, LABELS.path))) {
    const t = readParquet(file, [LABELS.col.id, LABELS.col.cluster]);
    yield { ids: stringsOf(t, LABELS.col.id), clusters: int32sOf(t, LABELS.col.cluster) };
  }
}

/** Seeded picks: each cluster's chosen ordinals are drawn up front, then matched in one scan. */
function randomPicks(outDir: string, clusterIds: Int32Array, sizes: Int32Array, quotas: Int32Array, seed: number): Pick[] {
  const rng = createRng(seed);
  const chosen = new Map<number, { ordinals: Set<number>; seen: number; picked: number }>();
  for (let j = 0; j < clusterIds.length; j++) {
    if (quotas[j] > 0) chosen.set(clusterIds[j], { ordinals: new Set(sampleIndices(sizes[j], quotas[j], rng)), seen: 0, picked: 0 });
  }
  const picks: Pick[] = [];
  for (const part of labelParts(outDir)) {
    for (let i = 0; i < part.ids.length; i++) {
      const c = chosen.get(part.clusters[i]);
      if (!c) continue;
      if (c.ordinals.has(c.seen++)) picks.push({ id: part.ids[i], cluster: part.clusters[i], pick: c.picked++ });
    }
  }
  return picks;
}

function centroidsByCluster(outDir: string, dims: number): Map<number, Float32Array> {
  const file = path.join(outDir, CLUSTERS.path);
  const out = new Map<number, Float32Array>();
  if (!fs.existsSync(file)) return out;
  const t = readParquet(file, [CLUSTERS.col.cluster, CLUSTERS.col.centroid]);
  const v = vectorsOf(t, CLUSTERS.col.centroid);
  // Centroids in a projected space (UMAP) cannot seed picks in embedding space.
  if (v.dims !== dims) return out;
  const ids = int32sOf(t, CLUSTERS.col.cluster);
  ids.forEach((c, j) => out.set(c, v.values.subarray(j * dims, (j + 1) * dims)));
  return out;
}

/**
 * Farthest-point picks. One pass over the parts appends each wanted cluster's rows to its
 * own spill file; then clusters are picked one at a time, so memory holds one part or one
 * cluster, never the dataset.
 */
function diversePicks(outDir: string, clusterIds: Int32Array, sizes: Int32Array, quotas: Int32Array, progress: Progress): Pick[] {
  const embedFiles = embeddingPartFiles(outDir);
  const labelFiles = listParts(path.join(outDir, LABELS.path));
  const wanted = new Map<number, number>();
  clusterIds.forEach((c, j) => quotas[j] > 0 && wanted.set(c, j));
  const spill = fs.mkdtempSync(path.join(os.tmpdir(), 'semclust-sample-'));
  const vectorsFile = (c: number) => path.join(spill, `${c}.f32`);
  const idsFile = (c: number) => path.join(spill, `${c}.ids`);
  try {
    let dims = 0;
    for (let p = 0; p < embedFiles.length; p++) {
      const emb = readEmbeddingPart(embedFiles[p], p);
      dims = emb.dims;
      const clusters = int32sOf(readParquet(labelFiles[p], [LABELS.col.cluster]), LABELS.col.cluster);
      const members = new Map<number, number[]>();
      for (let i = 0; i < emb.rows; i++) {
        if (!wanted.has(clusters[i])) continue;
        const list = members.get(clusters[i]);
        if (list) list.push(i);
        else members.set(clusters[i], [i]);
      }
      for (const [c, rows] of members) {
        const block = new Float32Array(rows.length * dims);
        rows.forEach((r, k) => block.set(emb.values.subarray(r * dims, (r + 1) * dims), k * dims));
        fs.appendFileSync(vectorsFile(c), new Uint8Array(block.buffer));
        fs.appendFileSync(idsFile(c), rows.map((r) => emb.ids[r]).join('\n') + '\n');
      }
    }
    const centroids = centroidsByCluster(outDir, dims);
    const picks: Pick[] = [];
    let done = 0;
    for (const [cluster, j] of wanted) {
      const bytes = fs.readFileSync(vectorsFile(cluster));
      const x = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const ids = fs.readFileSync(idsFile(cluster), 'utf8').split('\n');
      const order = farthestPointOrder(x, sizes[j], dims, quotas[j], centroids.get(cluster));
      order.forEach((r, pick) => picks.push({ id: ids[r], cluster, pick }));
      progress.update(++done, done / wanted.size);
    }
    return picks;
  } finally {
    fs.rmSync(spill, { recursive: true, force: true });
  }
}

/** The original records of the picked ids, one per id, in pick order. */
function writeSampleJsonl(outDir: string, picks: Pick[]): number {
  const want = new Map<string, string | null>(picks.map((p) => [p.id, null]));
  let missing = want.size;
  for (const file of listParts(path.join(outDir, ROWS.path))) {
    if (missing === 0) break;
    const t = readParquet(file, [ROWS.col.id, ROWS.col.record]);
    const ids = stringsOf(t, ROWS.col.id);
    const records = t.getChild(ROWS.col.record)!;
    for (let i = 0; i < ids.length; i++) {
      if (want.get(ids[i]) === null) {
        want.set(ids[i], records.get(i) as string);
        missing--;
      }
    }
  }
  if (missing > 0) throw new Error(`${missing} picked ids have no row in ${ROWS.path}/: the run folder is inconsistent; rerun from embed`);
  writeFileAtomic(path.join(outDir, FILES.sampleJsonl), picks.map((p) => want.get(p.id)).join('\n') + (picks.length ? '\n' : ''));
  return picks.length;
}

export async function sampleStage(ctx: StageContext): Promise<void> {
  const s = ctx.settings;
  const infer = ctx.state.record('infer');
  if (!infer || infer.status !== 'complete') throw new Error(`${ctx.outDir}: rows are not labelled yet; run semclust infer first`);
  const params = { sample_size: s.sample_size, per_cluster: s.per_cluster, within: s.within, seed: s.seed };
  const key = stageKey(params, infer.key);
  if (ctx.state.isComplete('sample', key)) {
    ctx.log('sample: complete for these settings, skipped');
    return;
  }
  ctx.state.begin('sample', key, params, s);

  const db = await openRunDatabase(ctx.outDir);
  let sizeMap: Map<number, number>;
  try {
    sizeMap = await clusterSizes(db.connection);
  } finally {
    db.close();
  }
  const clusterIds = Int32Array.from(sizeMap.keys());
  const sizes = Int32Array.from(sizeMap.values());
  const quotas = allocateQuotas(sizes, s.sample_size, s.per_cluster, s.seed);
  const progress = new Progress({ stage: `sample: ${s.within} picks`, unit: 'clusters', quiet: ctx.quiet });
  const picks =
    s.within === 'diverse' ? diversePicks(ctx.outDir, clusterIds, sizes, quotas, progress) : randomPicks(ctx.outDir, clusterIds, sizes, quotas, s.seed);
  picks.sort((a, b) => a.cluster - b.cluster || a.pick - b.pick);
  progress.done(clusterIds.length);

  writeParquet(
    path.join(ctx.outDir, SAMPLE.path),
    SAMPLE,
    { id: picks.map((p) => p.id), cluster: Int32Array.from(picks, (p) => p.cluster), pick: Int32Array.from(picks, (p) => p.pick) },
    picks.length,
  );
  const written = writeSampleJsonl(ctx.outDir, picks);
  const clustersPicked = new Set(picks.map((p) => p.cluster)).size;
  ctx.log(`sample: ${written} records from ${clustersPicked} of ${clusterIds.length} clusters → ${path.join(ctx.outDir, FILES.sampleJsonl)}`);
  const plot = await writePlot(ctx.outDir, s.seed, `sample of ${written} (${s.per_cluster}, ${s.within})`);
  if (plot) ctx.log(`plot: ${plot}`);
  ctx.log(`report: ${await writeReport(ctx.outDir, s)}`);
  ctx.state.complete('sample', { sampled: written, clusters_sampled: clustersPicked, clusters: clusterIds.length, per_cluster: s.per_cluster, within: s.within });
}
