import { fitHdbscan } from '../../core/hdbscan/fit-hdbscan.js';
import { createRng } from '../../core/util/random.js';

export const D = 10;
export const CENTRES = (() => {
  const rng = createRng(21);
  return Array.from({ length: 4 }, () => Array.from({ length: D }, () => rng.next() * 30 - 15));
})();
const SPREADS = [0.6, 1, 1.4, 2];

/** Rows from four blobs of different spread plus 4% uniform noise; `blob` says which (−1 noise). */
export function sample(n: number, seed: number): { data: Float32Array; blob: Int32Array } {
  const rng = createRng(seed);
  const data = new Float32Array(n * D);
  const blob = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    blob[i] = rng.next() < 0.04 ? -1 : rng.int(CENTRES.length);
    for (let j = 0; j < D; j++) {
      data[i * D + j] = blob[i] < 0 ? rng.next() * 50 - 25 : CENTRES[blob[i]][j] + SPREADS[blob[i]] * rng.gaussian();
    }
  }
  return { data, blob };
}

/** HDBSCAN fitted on 3,000 rows of `sample` (min_cluster_size 40, min_samples 8), with the rows and their blobs. */
export async function fitFourBlobs() {
  const { data, blob } = sample(3000, 1);
  const fit = await fitHdbscan(data, 3000, D, { minClusterSize: 40, minSamples: 8 });
  return { data, blob, fit };
}
