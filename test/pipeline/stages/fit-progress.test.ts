import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitHdbscan } from '../../../core/hdbscan/fit-hdbscan.js';
import { fitKMeans } from '../../../core/kmeans/kmeans.js';
import type { ProgressEvent } from '../../../core/util/progress-event.js';
import { createRng } from '../../../core/util/random.js';
import { fitUmap } from '../../../core/umap/fit-umap.js';
import { FitProgress } from '../../../pipeline/stages/fit-progress.js';

/** n rows of d values around `centres` Gaussian blobs. */
function blobs(n: number, d: number, centres: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const c = Array.from({ length: centres }, () => Array.from({ length: d }, () => rng.next() * 20));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = c[i % centres][j] + (rng.next() + rng.next() + rng.next() - 1.5);
  return x;
}

/** Runs `fit`, recording each event with its time; also the call's start and end. */
async function recorded(fit: (onProgress: (e: ProgressEvent) => void) => Promise<unknown>) {
  const events: (ProgressEvent & { at: number })[] = [];
  const start = performance.now();
  await fit((e) => events.push({ ...e, at: performance.now() }));
  return { events, start, end: performance.now() };
}

/** Every phase reports; done never goes back and stays within total; no gap over 2 s. */
function check(r: Awaited<ReturnType<typeof recorded>>, phases: string[]) {
  assert.deepEqual([...new Set(r.events.map((e) => e.phase))], phases);
  const times = [r.start, ...r.events.map((e) => e.at), r.end];
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(Math.max(...gaps) <= 2000, `longest silence ${Math.max(...gaps).toFixed(0)} ms`);
  for (const phase of phases) {
    const ev = r.events.filter((e) => e.phase === phase);
    for (let i = 1; i < ev.length; i++) assert.ok(ev[i].done >= ev[i - 1].done, `${phase} went back`);
    for (const e of ev) assert.ok(e.total === null || e.done <= e.total, `${phase} ${e.done} > ${e.total}`);
    const last = ev[ev.length - 1];
    if (last.total !== null && phase !== 'iterations') assert.equal(last.done, last.total, `${phase} ends complete`);
  }
}

test('UMAP fit reports kNN block pairs, graph, spectral init and every SGD epoch of each output', async () => {
  const d = 16, n = 6000;
  const r = await recorded((onProgress) => fitUmap(blobs(n, d, 8, 1), d, { dims: [5, 2], nEpochs: 60, seed: 1, threads: 1, onProgress }));
  check(r, ['knn', 'graph', 'spectral init', 'sgd 5-d', 'sgd 2-d']);
  assert.ok(r.events.filter((e) => e.phase === 'knn').length > 2, 'several block pairs');
  assert.equal(r.events.filter((e) => e.phase === 'sgd 2-d').length, 61, 'one event per epoch and one at the end');
});

test('HDBSCAN fit reports core distances, the spanning tree edge count and the tree', async () => {
  const d = 5, n = 8000;
  const r = await recorded((onProgress) => fitHdbscan(blobs(n, d, 6, 2), n, d, { minClusterSize: 40, minSamples: 10, threads: 1, onProgress }));
  check(r, ['core distances', 'mst', 'tree']);
  const mst = r.events.filter((e) => e.phase === 'mst');
  assert.equal(mst[mst.length - 1].done, n - 1, 'n − 1 edges');
  assert.ok(mst.length >= 3, 'one event per Borůvka round');
});

test('k-means reports seeding centres and iterations out of max_iter', async () => {
  const d = 16, n = 20_000, k = 30;
  const r = await recorded((onProgress) => fitKMeans(blobs(n, d, k, 3), n, d, { k, seed: 3, maxIter: 50, kernel: { threads: 1 }, onProgress }));
  check(r, ['seeding', 'iterations']);
  assert.equal(r.events.filter((e) => e.phase === 'seeding').length, k, 'centres 1 … k − 1, then k of k');
  assert.ok(r.events.filter((e) => e.phase === 'iterations').every((e, i) => e.done === i + 1 && e.total === 50));
});

test('FitProgress writes an NDJSON line when each phase starts and ends, named stage: phase', () => {
  let text = '';
  const stream = { isTTY: false, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  const p = new FitProgress('fit: UMAP', false, stream);
  for (let i = 0; i <= 10; i++) p.onProgress({ phase: 'knn', done: i, total: 10 });
  for (let i = 0; i <= 5; i++) p.onProgress({ phase: 'sgd 2-d', done: i, total: 5 });
  p.finish();
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => [l.stage, l['block pairs'] ?? l.epochs, l.fraction]),
    [['fit: UMAP: knn', 0, 0], ['fit: UMAP: knn', 10, 1], ['fit: UMAP: sgd 2-d', 0, 0], ['fit: UMAP: sgd 2-d', 5, 1]],
  );
});
