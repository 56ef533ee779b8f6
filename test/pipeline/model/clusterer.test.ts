/**
 * The Clusterer interface is all the pipeline needs: a third algorithm written here, in the
 * test alone, fits, saves, loads and labels through the same fitted model the infer workers use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitPca, projectPca } from '../../../core/pca/pca.js';
import { takeRows } from '../../../core/util/rows.js';
import { Settings } from '../../../schemas/config.js';
import { loadModel, modelExists, saveModel } from '../../../operators/store/model-store.js';
import type { ClusterAlg, ClusterAlgorithm, Clusterer } from '../../../pipeline/model/clusterer.js';
import { openLabeler } from '../../../pipeline/model/fitted-model.js';
import { tempDir } from '../../support/paths.js';
import { blobs, recordingReporter } from '../../support/blobs.js';

/** Splits rows at the median of their first coordinate; rows within `band` of it are noise. */
function thresholdClusterer(threshold: number, band: number): Clusterer {
  return {
    algorithm: threshold2,
    clusters: 2,
    description: `threshold ${threshold.toFixed(2)}`,
    save: (dir) => saveModel(dir, 'threshold', { meta: { format: 'test.threshold/1', threshold, band }, arrays: {} }),
    openLabeler: async ({ assignNoise }) => ({
      label: async (space, rows) => {
        const d = space.length / rows;
        const labels = new Int32Array(rows);
        const reassigned = new Uint8Array(rows);
        for (let i = 0; i < rows; i++) {
          const x = space[i * d];
          labels[i] = x < threshold ? 0 : 1;
          if (Math.abs(x - threshold) < band) {
            if (assignNoise) reassigned[i] = 1;
            else labels[i] = -1;
          }
        }
        return { labels, probabilities: new Float32Array(rows).fill(1), reassigned };
      },
      close: async () => {},
    }),
    centroids: () => null,
  };
}

const threshold2: ClusterAlgorithm = {
  // A real algorithm adds its name to cluster_alg in schemas/config.ts; this one lives only here.
  name: 'threshold' as ClusterAlg,
  settings: [],
  noise: { assign: 'hdbscan_assign_noise' },
  check: () => {},
  async fit({ values, rows, dims }, _s, report) {
    const firsts = Float32Array.from({ length: rows }, (_, i) => values[i * dims]).sort();
    report.log(`fit: threshold on ${rows} rows`);
    return { clusterer: thresholdClusterer(firsts[rows >> 1], 0.5), stats: { clusters: 2 } };
  },
  load: (dir) => {
    if (!modelExists(dir, 'threshold')) return null;
    const meta = loadModel(dir, 'threshold').meta as { threshold: number; band: number };
    return thresholdClusterer(meta.threshold, meta.band);
  },
};

test('a clusterer declared outside the pipeline fits, saves, loads and labels blocks through openLabeler', async () => {
  const rows = 300;
  const dims = 4;
  const data = blobs(rows, dims, 3, 0, 5);
  const report = recordingReporter();
  const { clusterer, stats } = await threshold2.fit({ values: data, rows, dims }, Settings.parse({}), report);
  assert.deepEqual(stats, { clusters: 2 });
  assert.deepEqual(report.messages, ['fit: threshold on 300 rows']);
  const dir = tempDir('threshold-clusterer');
  clusterer.save(dir);
  const loaded = threshold2.load(dir)!;
  assert.equal(loaded.description, clusterer.description);

  const pca = fitPca(data, rows, dims, 2, 1);
  for (const assignNoise of [false, true]) {
    const labeler = await openLabeler({ projection: { kind: 'pca', pca }, clusterer: loaded }, { assignNoise });
    try {
      // Map coordinates only for the rows asked for (every third one), in their order.
      const mapRows = Uint32Array.from({ length: Math.ceil(rows / 3) }, (_, t) => t * 3);
      const out = await labeler.label(data, rows, dims, mapRows);
      const median = Float32Array.from({ length: rows }, (_, i) => data[i * dims]).sort()[rows >> 1];
      let noise = 0;
      for (let i = 0; i < rows; i++) {
        const x = data[i * dims];
        const near = Math.abs(x - median) < 0.5;
        noise += near ? 1 : 0;
        assert.equal(out.labels[i], near && !assignNoise ? -1 : x < median ? 0 : 1, `row ${i}`);
        assert.equal(out.reassigned[i], near && assignNoise ? 1 : 0);
      }
      assert.ok(noise > 0, 'some rows fall in the band');
      // Without UMAP the clustering space is the block itself and the map is the PCA projection of the listed rows.
      assert.equal(out.space, data);
      assert.equal(out.spaceDims, dims);
      assert.deepEqual(out.xy, projectPca(pca, takeRows(data, dims, mapRows), mapRows.length));
    } finally {
      await labeler.close();
    }
  }
});
