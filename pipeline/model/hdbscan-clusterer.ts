/**
 * HDBSCAN as a Clusterer: the condensed tree and its selected clusters (core/hdbscan/fit-hdbscan.ts),
 * saved as OUTDIR/model/hdbscan.json + arrays (core/hdbscan/hdbscan-model.ts), new rows labelled by
 * approximate prediction (core/hdbscan/approximate-predict.ts). Rows outside every cluster are noise
 * (-1) unless hdbscan_assign_noise gives them their most likely cluster. A cluster's centre is the
 * mean of the rows labelled into it (the model has none).
 */
import { HdbscanPredictor } from '../../core/hdbscan/approximate-predict.js';
import { fitHdbscan } from '../../core/hdbscan/fit-hdbscan.js';
import { decodeHdbscanModel, encodeHdbscanModel, type EncodedHdbscanModel, type HdbscanModel } from '../../core/hdbscan/hdbscan-model.js';
import { loadModel, modelExists, saveModel } from '../../operators/store/model-store.js';
import type { ClusterAlgorithm, Clusterer } from './clusterer.js';

const NAME = 'hdbscan';

function hdbscanClusterer(model: HdbscanModel): Clusterer {
  const clusters = model.meta.labelCount;
  return {
    algorithm: hdbscan,
    clusters,
    description: `HDBSCAN, ${clusters} clusters`,
    save: (dir) => saveModel(dir, NAME, encodeHdbscanModel(model)),
    openLabeler: async ({ threads, assignNoise }) => {
      const predictor = await HdbscanPredictor.create(model, { threads, assignNoise });
      return {
        label: async (space, rows) => {
          const p = await predictor.predict(space, rows);
          return { labels: p.labels, probabilities: Float32Array.from(p.probabilities), reassigned: p.reassigned };
        },
        close: () => predictor.close(),
      };
    },
    centroids: () => null,
  };
}

export const hdbscan: ClusterAlgorithm = {
  name: NAME,
  settings: ['hdbscan_min_cluster_size', 'hdbscan_min_samples', 'hdbscan_cluster_selection_method', 'hdbscan_cluster_selection_epsilon', 'hdbscan_allow_single_cluster'],
  noise: { assign: 'hdbscan_assign_noise' },
  check: () => {},
  async fit({ values, rows, dims }, s, report) {
    report.log(`fit: HDBSCAN on ${rows.toLocaleString('en-US')} rows × ${dims} (min_cluster_size ${s.hdbscan_min_cluster_size}, min_samples ${s.hdbscan_min_samples})`);
    const progress = report.progress('fit: HDBSCAN');
    const fitted = await fitHdbscan(values, rows, dims, {
      minClusterSize: s.hdbscan_min_cluster_size,
      minSamples: s.hdbscan_min_samples,
      clusterSelectionMethod: s.hdbscan_cluster_selection_method,
      clusterSelectionEpsilon: s.hdbscan_cluster_selection_epsilon,
      allowSingleCluster: s.hdbscan_allow_single_cluster,
      threads: s.threads,
      onProgress: progress.onProgress,
    });
    progress.finish();
    if (fitted.model.meta.labelCount === 0) {
      throw new Error(`HDBSCAN found no cluster in ${rows} rows: lower --hdbscan-min-cluster-size (now ${s.hdbscan_min_cluster_size}), raise --fit-sample${s.hdbscan_allow_single_cluster ? '' : ', or pass --hdbscan-allow-single-cluster to accept one cluster'}`);
    }
    let noise = 0;
    for (const l of fitted.labels) if (l < 0) noise++;
    return { clusterer: hdbscanClusterer(fitted.model), stats: { clusters: fitted.model.meta.labelCount, fit_noise_fraction: noise / rows } };
  },
  load: (dir) => (modelExists(dir, NAME) ? hdbscanClusterer(decodeHdbscanModel(loadModel(dir, NAME) as EncodedHdbscanModel)) : null),
};
