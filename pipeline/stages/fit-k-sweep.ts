/**
 * fit --k-sweep: k-means at each swept k on the fit sample, in the space the clusters are fitted
 * in, measured four ways to help choose k (BERTopic and NeMo Curator users ask how): inertia
 * (Σ squared distance to the centre; always falls with k, so read for an elbow), mean silhouette
 * on a seeded subsample (core/metrics/silhouette.ts), stability (the mean adjusted Rand index of
 * the labels of 3 fits with seeds seed, seed + 1, seed + 2) and the Gini coefficient of the
 * cluster sizes (0 = equal sizes). Nothing is chosen unless --k-sweep-pick names a rule
 * (core/kmeans/pick-k.ts).
 */
import { z } from 'zod';
import { fitKMeans } from '../../core/kmeans/kmeans.js';
import { elbowK, silhouetteK, type PickedK } from '../../core/kmeans/pick-k.js';
import { adjustedRandIndex } from '../../core/metrics/cluster-metrics.js';
import { giniCoefficient } from '../../core/metrics/gini.js';
import { silhouetteScore } from '../../core/metrics/silhouette.js';
import { UsageError } from '../../core/util/semclust-error.js';
import { createRng, sampleIndices } from '../../core/util/random.js';
import { takeRows } from '../../core/util/rows.js';
import type { Settings } from '../../schemas/config.js';
import type { ClusteringSpace } from '../model/clusterer.js';
import { FitProgress } from './fit-progress.js';

/** Rows the silhouette is measured on: n² distances, about 1 s for 100-d rows here; scikit-learn's `sample_size` idea. */
export const SILHOUETTE_ROWS = 3000;
/** Fits per k whose labels are compared for stability. */
const SEEDS = 3;

export const kSweepRow = z.object({
  k: z.number(),
  inertia: z.number(),
  /** null when the subsample holds fewer than 2 clusters or one per row. */
  silhouette: z.number().nullable(),
  stability: z.number(),
  gini: z.number(),
});
export type KSweepRow = z.infer<typeof kSweepRow>;

/** Refuses, before any work, a sweep these settings cannot run. */
export function checkKSweep(s: Settings, fitRows: number): void {
  if (s.k_sweep_pick && !s.k_sweep) throw new UsageError(`--k-sweep-pick ${s.k_sweep_pick} picks from a sweep: add --k-sweep, e.g. --k-sweep 50,100,200,500,1000`);
  if (!s.k_sweep) return;
  if (s.cluster_alg !== 'kmeans') {
    throw new UsageError(`--k-sweep compares k-means fits, but cluster_alg is ${s.cluster_alg}: HDBSCAN finds its own number of clusters (tune --hdbscan-min-cluster-size instead); drop --k-sweep or add --cluster-alg kmeans`);
  }
  const tooBig = s.k_sweep.filter((k) => k > fitRows);
  if (tooBig.length) throw new UsageError(`--k-sweep ${tooBig.join(',')} exceeds the ${fitRows} rows fitted on; lower it or raise --fit-sample`);
  if (s.k_sweep_pick === 'elbow' && new Set(s.k_sweep).size < 3) throw new UsageError(`--k-sweep-pick elbow needs at least 3 values in --k-sweep, got ${s.k_sweep.join(',')}`);
}

/** The sweep over `s.k_sweep` (ascending, distinct), one row per k. */
export async function sweepK(space: ClusteringSpace, s: Settings, quiet: boolean): Promise<KSweepRow[]> {
  const ks = [...new Set(s.k_sweep ?? [])].sort((a, b) => a - b);
  const { values, rows, dims } = space;
  const subset = sampleIndices(rows, Math.min(SILHOUETTE_ROWS, rows), createRng(s.seed + 3));
  const subsetValues = takeRows(values, dims, subset);
  const out: KSweepRow[] = [];
  for (const k of ks) {
    const fits = [];
    for (let r = 0; r < SEEDS; r++) {
      const progress = new FitProgress(`fit: k-sweep k=${k} (seed ${r + 1} of ${SEEDS})`, quiet);
      fits.push(await fitKMeans(values, rows, dims, { k, seed: s.seed + r, maxIter: s.kmeans_max_iter, tol: s.kmeans_tol, seeding: s.kmeans_init, kernel: { threads: s.threads }, onProgress: progress.onProgress }));
      progress.finish();
    }
    let ari = 0;
    for (let a = 0; a < SEEDS; a++) for (let b = a + 1; b < SEEDS; b++) ari += adjustedRandIndex(fits[a].labels, fits[b].labels);
    const labels = fits[0].labels;
    const sizes = new Float64Array(k);
    for (const l of labels) sizes[l]++;
    const subsetLabels = Int32Array.from(subset, (i) => labels[i]);
    const distinct = new Set(subsetLabels).size;
    out.push({
      k,
      inertia: fits[0].inertia,
      silhouette: distinct >= 2 && distinct < subset.length ? silhouetteScore(subsetValues, subset.length, dims, subsetLabels) : null,
      stability: ari / ((SEEDS * (SEEDS - 1)) / 2),
      gini: giniCoefficient(sizes),
    });
  }
  return out;
}

/** The k the rule points to, or null when no rule was asked for. */
export function pickK(rule: Settings['k_sweep_pick'], sweep: readonly KSweepRow[]): PickedK | null {
  if (!rule) return null;
  const ks = sweep.map((r) => r.k);
  if (rule === 'elbow') return elbowK(ks, sweep.map((r) => r.inertia));
  return silhouetteK(ks, sweep.map((r) => r.silhouette ?? -Infinity));
}

/** The sweep as the table fit prints. */
export function formatKSweep(sweep: readonly KSweepRow[], rows: number): string {
  const fmt = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const head = `k-sweep on ${rows.toLocaleString('en-US')} fit rows (silhouette on ${Math.min(SILHOUETTE_ROWS, rows).toLocaleString('en-US')} seeded rows, stability = mean ARI over ${SEEDS} seeds, gini of cluster sizes):`;
  const line = (c: string[]) => `  ${c[0].padStart(6)}  ${c[1].padStart(14)}  ${c[2].padStart(10)}  ${c[3].padStart(9)}  ${c[4].padStart(5)}`;
  return [head, line(['k', 'inertia', 'silhouette', 'stability', 'gini']), ...sweep.map((r) => line([String(r.k), fmt(r.inertia, 1), fmt(r.silhouette, 3), fmt(r.stability, 3), fmt(r.gini, 3)]))].join('\n');
}
