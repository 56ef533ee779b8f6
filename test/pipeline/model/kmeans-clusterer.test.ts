import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fitKMeans } from '../../../core/kmeans/kmeans.js';
import { encodeKMeansModel } from '../../../core/kmeans/kmeans-model.js';
import { Settings } from '../../../schemas/config.js';
import { saveModel } from '../../../operators/store/model-store.js';
import { kmeans } from '../../../pipeline/model/kmeans-clusterer.js';
import { tempDir } from '../../support/paths.js';
import { blobs, recordingReporter } from '../../support/blobs.js';

const N = 600;
const D = 6;
const data = blobs(N, D, 5, 0, 3);
const settings = Settings.parse({ kmeans_num_clusters: 5, seed: 9, threads: 1 });

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

/** Index of the nearest centre by squared distance, first on ties (brute force). */
function nearest(centroids: Float32Array, k: number, row: Float32Array): number {
  let best = 0;
  let bestD = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += (row[j] - centroids[c * D + j]) ** 2;
    if (s < bestD) [best, bestD] = [c, s];
  }
  return best;
}

test('k-means fit saves the same files as fitKMeans + the core codec did before the interface, and reports its iterations', async () => {
  const report = recordingReporter();
  const { clusterer, stats } = await kmeans.fit({ values: data, rows: N, dims: D }, settings, report);
  const dir = tempDir('kmeans-clusterer');
  clusterer.save(dir);

  const direct = await fitKMeans(data, N, D, { k: 5, seed: 9, maxIter: settings.kmeans_max_iter, tol: settings.kmeans_tol, kernel: { threads: 1 } });
  const before = tempDir('kmeans-direct');
  saveModel(before, 'kmeans', encodeKMeansModel({ centroids: direct.centroids, k: 5, dims: D, seed: 9, inertia: direct.inertia, iterations: direct.iterations, fitRows: N }));
  assert.deepEqual(filesOf(dir), filesOf(before));
  assert.deepEqual(stats, { clusters: 5, inertia: direct.inertia, iterations: direct.iterations });
  assert.ok(report.phases.some((p) => p.startsWith('fit: k-means k=5 on 600 rows: iterations')), report.phases.join('\n'));
  assert.equal(report.phases.at(-1), 'fit: k-means k=5 on 600 rows: done');
});

test('a saved k-means model loads back to the same centres, labels every row with its nearest centre, and has no noise', async () => {
  const { clusterer } = await kmeans.fit({ values: data, rows: N, dims: D }, settings, recordingReporter());
  const dir = tempDir('kmeans-load');
  clusterer.save(dir);
  const loaded = kmeans.load(dir)!;
  assert.equal(loaded.clusters, 5);
  assert.equal(loaded.description, 'k-means k=5');
  assert.deepEqual(loaded.centroids(), clusterer.centroids());
  const again = tempDir('kmeans-resave');
  loaded.save(again);
  assert.deepEqual(filesOf(again), filesOf(dir));

  const { values: centroids } = loaded.centroids()!;
  const labeler = await loaded.openLabeler({ threads: 1, assignNoise: true });
  try {
    const out = await labeler.label(data, N);
    for (let i = 0; i < N; i++) assert.equal(out.labels[i], nearest(centroids, 5, data.subarray(i * D, (i + 1) * D)), `row ${i}`);
    assert.ok(out.probabilities.every((p) => p === 1));
    assert.ok(out.reassigned.every((r) => r === 0));
  } finally {
    await labeler.close();
  }
  assert.equal(kmeans.noise, null);
});

test('k-means refuses more clusters than fit rows before any work, and finds no model in a folder without one', () => {
  assert.throws(() => kmeans.check(Settings.parse({ kmeans_num_clusters: 50 }), 49), /--kmeans-num-clusters 50 exceeds the 49 rows fitted on; lower it or raise --fit-sample/);
  kmeans.check(Settings.parse({ kmeans_num_clusters: 50 }), 50);
  assert.equal(kmeans.load(tempDir('kmeans-empty')), null);
});
