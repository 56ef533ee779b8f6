import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsShape, Settings } from '../../../schemas/config.js';
import { CLUSTERERS, loadClusterer } from '../../../pipeline/model/clusterers.js';
import { tempDir } from '../../support/paths.js';
import { blobs, recordingReporter } from '../../support/blobs.js';

test('every cluster_alg has a registered clusterer under its own name, each keyed by its own settings', () => {
  const algs = settingsShape.cluster_alg.unwrap().options;
  assert.deepEqual(Object.keys(CLUSTERERS).sort(), [...algs].sort());
  for (const [name, algorithm] of Object.entries(CLUSTERERS)) {
    assert.equal(algorithm.name, name);
    assert.ok(algorithm.settings.length > 0 && algorithm.settings.every((k) => k.startsWith(`${name}_`)), `${name}: ${algorithm.settings.join(', ')}`);
  }
});

test('loadClusterer finds whichever algorithm fit saved, and says to run fit when the folder holds none', async () => {
  const data = blobs(400, 3, 3, 0.05, 2);
  for (const s of [Settings.parse({ kmeans_num_clusters: 3, threads: 1 }), Settings.parse({ cluster_alg: 'hdbscan', hdbscan_min_cluster_size: 20, hdbscan_min_samples: 5, threads: 1 })]) {
    const { clusterer } = await CLUSTERERS[s.cluster_alg].fit({ values: data, rows: 400, dims: 3 }, s, recordingReporter());
    const dir = tempDir(`load-${s.cluster_alg}`);
    clusterer.save(dir);
    const loaded = loadClusterer(dir);
    assert.equal(loaded.algorithm, CLUSTERERS[s.cluster_alg]);
    assert.equal(loaded.clusters, clusterer.clusters);
  }
  const empty = tempDir('load-none');
  assert.throws(() => loadClusterer(empty), (e: Error) => e.message === `no fitted model in ${empty} (kmeans.json or hdbscan.json): run semclust fit first`);
});
