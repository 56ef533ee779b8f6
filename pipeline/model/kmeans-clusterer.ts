/**
 * k-means as a Clusterer: Lloyd's algorithm from k-means++ seeds (core/kmeans/kmeans.ts), saved as
 * OUTDIR/model/kmeans.json + kmeans.centroids.f32 (core/kmeans/kmeans-model.ts), every row labelled
 * with its nearest centre (core/kernels/nearest-centroid.ts). No noise; the centres are the model's.
 */
import { NearestCentroid } from '../../core/kernels/nearest-centroid.js';
import { fitKMeans } from '../../core/kmeans/kmeans.js';
import { decodeKMeansModel, encodeKMeansModel, type KMeansModel } from '../../core/kmeans/kmeans-model.js';
import { loadModel, modelExists, saveModel } from '../../operators/store/model-store.js';
import type { ClusterAlgorithm, Clusterer } from './clusterer.js';

const NAME = 'kmeans';

function kmeansClusterer(model: KMeansModel): Clusterer {
  return {
    algorithm: kmeans,
    clusters: model.k,
    description: `k-means k=${model.k}`,
    save: (dir) => saveModel(dir, NAME, encodeKMeansModel(model)),
    openLabeler: async ({ threads }) => {
      const kernel = await NearestCentroid.create(model.centroids, model.k, model.dims, { threads });
      return {
        label: async (space, rows) => {
          const labels = new Int32Array(rows);
          await kernel.assign(space, rows, labels, new Float32Array(rows));
          return { labels, probabilities: new Float32Array(rows).fill(1), reassigned: new Uint8Array(rows) };
        },
        close: () => kernel.close(),
      };
    },
    centroids: () => ({ values: model.centroids, dims: model.dims }),
  };
}

export const kmeans: ClusterAlgorithm = {
  name: NAME,
  settings: ['kmeans_num_clusters', 'kmeans_max_iter', 'kmeans_tol', 'kmeans_init'],
  noise: null,
  check(s, rows) {
    if (s.kmeans_num_clusters > rows) throw new Error(`--kmeans-num-clusters ${s.kmeans_num_clusters} exceeds the ${rows} rows fitted on; lower it or raise --fit-sample`);
  },
  async fit({ values, rows, dims }, s, report) {
    const k = s.kmeans_num_clusters;
    const progress = report.progress(`fit: k-means k=${k} on ${rows.toLocaleString('en-US')} rows`);
    const fitted = await fitKMeans(values, rows, dims, {
      k,
      seed: s.seed,
      maxIter: s.kmeans_max_iter,
      tol: s.kmeans_tol,
      seeding: s.kmeans_init,
      kernel: { threads: s.threads },
      onProgress: progress.onProgress,
    });
    progress.finish();
    const model = { centroids: fitted.centroids, k, dims, seed: s.seed, inertia: fitted.inertia, iterations: fitted.iterations, fitRows: rows };
    return { clusterer: kmeansClusterer(model), stats: { clusters: k, inertia: fitted.inertia, iterations: fitted.iterations } };
  },
  load: (dir) => (modelExists(dir, NAME) ? kmeansClusterer(decodeKMeansModel(loadModel(dir, NAME))) : null),
};
