/**
 * Core distances in the two conventions of the Python `hdbscan` package (Euclidean), read off
 * neighbour lists that include each fitted point itself at distance 0.
 *
 * Fitting queries k = min_samples + 1 neighbours with the point counted, so the core distance is
 * the distance to the min_samples-th *other* point. The prediction data the package caches for
 * approximate_predict queries only k = min_samples, one neighbour fewer; predictions must use
 * those values to agree with the package.
 */
import type { Neighbors } from '../util/neighbors.js';

/** Core distance used to build the mutual-reachability tree: list position min_samples. */
export function coreDistances(neighbours: Neighbors<Float64Array>, minSamples: number): Float64Array {
  return column(neighbours, minSamples);
}

/** Core distance of a fitted point as approximate_predict sees it: list position min_samples − 1. */
export function predictionCoreDistances(neighbours: Neighbors<Float64Array>, minSamples: number): Float64Array {
  return column(neighbours, minSamples - 1);
}

function column(neighbours: Neighbors<Float64Array>, at: number): Float64Array {
  const { k, distances } = neighbours;
  if (at < 0 || at >= k) throw new RangeError(`neighbour lists of ${k} cannot give position ${at}`);
  const m = distances.length / k;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = distances[i * k + at];
  return out;
}
