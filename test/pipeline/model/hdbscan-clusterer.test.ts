import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HdbscanPredictor } from '../../../core/hdbscan/approximate-predict.js';
import { fitHdbscan } from '../../../core/hdbscan/fit-hdbscan.js';
import { encodeHdbscanModel } from '../../../core/hdbscan/hdbscan-model.js';
import { Settings } from '../../../schemas/config.js';
import { saveModel } from '../../../operators/store/model-store.js';
import { hdbscan } from '../../../pipeline/model/hdbscan-clusterer.js';
import { kmeans } from '../../../pipeline/model/kmeans-clusterer.js';
import { tempDir } from '../../support/paths.js';
import { blobs, recordingReporter } from '../../support/blobs.js';

const N = 1500;
const D = 5;
const data = blobs(N, D, 4, 0.05, 11);
const settings = Settings.parse({ cluster_alg: 'hdbscan', hdbscan_min_cluster_size: 30, hdbscan_min_samples: 5, threads: 1 });
const options = { minClusterSize: 30, minSamples: 5, clusterSelectionMethod: 'eom', clusterSelectionEpsilon: 0, allowSingleCluster: false, threads: 1 } as const;

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

const fitted = hdbscan.fit({ values: data, rows: N, dims: D }, settings, recordingReporter());
const unseen = blobs(400, D, 4, 0.3, 11);

test('HDBSCAN fit saves the same files as fitHdbscan + the core codec did before the interface, and records its noise share', async () => {
  const { clusterer, stats } = await fitted;
  const dir = tempDir('hdbscan-clusterer');
  clusterer.save(dir);
  const direct = await fitHdbscan(data, N, D, options);
  const before = tempDir('hdbscan-direct');
  saveModel(before, 'hdbscan', encodeHdbscanModel(direct.model));
  assert.deepEqual(filesOf(dir), filesOf(before));
  const noise = direct.labels.filter((l) => l < 0).length;
  assert.ok(noise > 0, 'the uniform rows give noise');
  assert.deepEqual(stats, { clusters: direct.model.meta.labelCount, fit_noise_fraction: noise / N });
  assert.equal(clusterer.clusters, direct.model.meta.labelCount);
  assert.equal(clusterer.description, `HDBSCAN, ${direct.model.meta.labelCount} clusters`);
});

test('a loaded HDBSCAN model labels blocks as approximate prediction does, -1 for noise unless noise is assigned', async () => {
  const { clusterer } = await fitted;
  const dir = tempDir('hdbscan-load');
  clusterer.save(dir);
  const loaded = hdbscan.load(dir)!;
  const again = tempDir('hdbscan-resave');
  loaded.save(again);
  assert.deepEqual(filesOf(again), filesOf(dir));
  assert.equal(loaded.centroids(), null, 'centres are the means of the members');
  assert.deepEqual(hdbscan.noise, { assign: 'hdbscan_assign_noise' });

  const direct = await fitHdbscan(data, N, D, options);
  for (const assignNoise of [false, true]) {
    const predictor = await HdbscanPredictor.create(direct.model, { threads: 1, assignNoise });
    const labeler = await loaded.openLabeler({ threads: 1, assignNoise });
    try {
      const want = await predictor.predict(unseen, 400);
      const got = await labeler.label(unseen, 400);
      assert.deepEqual(got.labels, want.labels);
      assert.deepEqual(got.probabilities, Float32Array.from(want.probabilities));
      assert.deepEqual(got.reassigned, want.reassigned);
      const noise = got.labels.filter((l) => l < 0).length;
      if (assignNoise) {
        assert.equal(noise, 0);
        assert.ok(got.reassigned.some((r) => r === 1));
      } else assert.ok(noise > 0, 'the uniform rows are noise');
    } finally {
      await labeler.close();
      await predictor.close();
    }
  }
});

test('HDBSCAN that finds no cluster says which settings to change; a k-means folder holds no HDBSCAN model', async () => {
  const tight = Settings.parse({ cluster_alg: 'hdbscan', hdbscan_min_cluster_size: 1000, hdbscan_min_samples: 5, threads: 1 });
  await assert.rejects(hdbscan.fit({ values: data.subarray(0, 200 * D), rows: 200, dims: D }, tight, recordingReporter()), /HDBSCAN found no cluster in 200 rows: lower --hdbscan-min-cluster-size \(now 1000\), raise --fit-sample, or pass --hdbscan-allow-single-cluster/);
  const dir = tempDir('hdbscan-kmeans');
  const { clusterer } = await kmeans.fit({ values: data, rows: N, dims: D }, Settings.parse({ kmeans_num_clusters: 3, threads: 1 }), recordingReporter());
  clusterer.save(dir);
  assert.equal(hdbscan.load(dir), null);
});
