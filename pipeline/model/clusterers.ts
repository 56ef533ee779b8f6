/**
 * The clustering algorithms by `cluster_alg`. Adding one: its settings in schemas/config.ts, a
 * file beside these implementing ClusterAlgorithm (clusterer.ts), and its entry here, which
 * the compiler requires once `cluster_alg` names it.
 */
import type { ClusterAlg, ClusterAlgorithm, Clusterer } from './clusterer.js';
import { hdbscan } from './hdbscan-clusterer.js';
import { kmeans } from './kmeans-clusterer.js';

export const CLUSTERERS: Record<ClusterAlg, ClusterAlgorithm> = { kmeans, hdbscan };

/** The model fit saved in `dir`, whichever algorithm made it. */
export function loadClusterer(dir: string): Clusterer {
  const algorithms = Object.values(CLUSTERERS);
  for (const algorithm of algorithms) {
    const clusterer = algorithm.load(dir);
    if (clusterer) return clusterer;
  }
  throw new Error(`no fitted model in ${dir} (${algorithms.map((a) => `${a.name}.json`).join(' or ')}): run semclust fit first`);
}
