/**
 * HDBSCAN on real data against the Python `hdbscan` package: Banking77 embedded by the
 * built-in model, projected by semclust's UMAP to 30 dimensions (cosine, 15 neighbours,
 * seed 42), then the same 30-d file clustered by both (min_cluster_size 40, min_samples 10;
 * the package with boruvka_kdtree, one job); semclust on one thread, then default threads. Prints times, clusters, noise, the ARI between
 * the two label sets (target ≥ 0.9), and each side's NMI against the intents on non-noise rows.
 *
 * Peer: /usr/bin/python3 bench/peers/hdbscan_labels.py with the package on HDBSCAN_PEER_PYTHONPATH.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adjustedRandIndex, normalizedMutualInfo } from '../core/metrics/cluster-metrics.js';
import { fitHdbscan } from '../core/hdbscan/fit-hdbscan.js';
import { fitUmap } from '../core/umap/fit-umap.js';
import { gatherRows } from '../operators/parquet/read-embeddings.js';
import { runStages } from '../pipeline/run/run-stages.js';
import { banking77File } from '../scripts/banking77-data.js';
import { peerBlas } from './peer-blas.js';

const MIN_CLUSTER_SIZE = 40, MIN_SAMPLES = 10, DIM = 30, SEED = 42;
const work = path.join(os.tmpdir(), 'semclust-bench-hdbscan-b77');
const peer = fileURLToPath(new URL('../../bench/peers/hdbscan_labels.py', import.meta.url));
const data = banking77File();

fs.mkdirSync(work, { recursive: true });
const outDir = path.join(work, 'embed');
await runStages({ outDir, stages: ['embed'], layers: [{ origin: 'bench', values: { input: data, output_dir: outDir } }], quiet: true, log: () => {} });
const texts = fs.readFileSync(data, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { category: string });
const n = texts.length;
const emb = gatherRows(outDir, Uint32Array.from({ length: n }, (_, i) => i));
// Embeddings are written in input order and Banking77 has no repeated text, so row i is line i.
if (emb.rows !== n) throw new Error(`expected ${n} distinct texts, got ${emb.rows}`);

const umap = await fitUmap(emb.values, emb.dims, { dims: [DIM], nNeighbors: 15, metric: 'cosine', seed: SEED });
const x = umap.embeddings[0];
const file = path.join(work, 'banking77-umap30.f32');
fs.writeFileSync(file, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));

const fit = async (threads: number | undefined) => {
  const t0 = performance.now();
  const result = await fitHdbscan(x, n, DIM, { minClusterSize: MIN_CLUSTER_SIZE, minSamples: MIN_SAMPLES, threads });
  return { labels: result.labels, seconds: (performance.now() - t0) / 1000 };
};
const { labels: oursLabels, seconds: ourSeconds } = await fit(1);
const ours = { labels: oursLabels };
const byDefault = await fit(undefined);

const categories = new Map<string, number>();
const truth = Int32Array.from(texts, (t) => categories.get(t.category) ?? (categories.set(t.category, categories.size), categories.size - 1));
function describe(name: string, labels: Int32Array, seconds: number): void {
  const keep = [...labels.keys()].filter((i) => labels[i] >= 0);
  const nmi = normalizedMutualInfo(Int32Array.from(keep, (i) => truth[i]), Int32Array.from(keep, (i) => labels[i]));
  const clusters = new Set(labels).size - (labels.includes(-1) ? 1 : 0);
  console.log(`${name.padEnd(22)} ${seconds.toFixed(2).padStart(6)} s  ${clusters} clusters  noise ${((1 - keep.length / n) * 100).toFixed(1)}%  NMI vs intents (non-noise) ${nmi.toFixed(4)}`);
}
console.log(`HDBSCAN on Banking77 → built-in model → semclust UMAP ${DIM}-d (${n} rows), min_cluster_size ${MIN_CLUSTER_SIZE}, min_samples ${MIN_SAMPLES}`);
describe('semclust (1 thread)', ours.labels, ourSeconds);
describe('semclust (default)', byDefault.labels, byDefault.seconds);
console.log(`default / 1 thread: ${(byDefault.seconds / ourSeconds).toFixed(3)}; same labels: ${byDefault.labels.every((l, i) => l === ours.labels[i])}`);

const peerPath = process.env.HDBSCAN_PEER_PYTHONPATH;
if (!peerPath) {
  console.log('peer skipped: set HDBSCAN_PEER_PYTHONPATH to a folder where the Python hdbscan package is built (see bench/hdbscan.ts)');
} else {
  const labelsFile = path.join(work, 'peer-labels.i32');
  const args = [peer, '--data', file, '--labels-out', labelsFile, '--n', `${n}`, '--d', `${DIM}`, '--min-cluster-size', `${MIN_CLUSTER_SIZE}`, '--min-samples', `${MIN_SAMPLES}`];
  console.log(peerBlas().line);
  const run = spawnSync('/usr/bin/python3', args, { env: { ...peerBlas().env, PYTHONPATH: peerPath }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`peer failed: ${run.stderr}`);
  const { seconds } = JSON.parse(run.stdout.trim().split('\n').pop()!);
  const theirs = new Int32Array(new Uint8Array(fs.readFileSync(labelsFile)).buffer);
  describe('hdbscan (boruvka_kdtree)', theirs, seconds);
  console.log(`ARI semclust vs hdbscan: ${adjustedRandIndex(ours.labels, theirs).toFixed(4)} (target ≥ 0.9); time ratio ${(ourSeconds / seconds).toFixed(3)}`);
}
