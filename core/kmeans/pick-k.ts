/**
 * Choosing k from a sweep of k-means fits (fit --k-sweep-pick), over parallel arrays of the
 * swept k (ascending) and their figures:
 * - `elbow`: the Kneedle rule (Satopää et al. 2011, "Finding a 'Kneedle' in a Haystack"): with
 *   log k and the inertia each scaled to [0, 1], the k farthest below the chord from the first
 *   point to the last. log k because sweeps are geometric (50, 100, 200, 500, 1000) and inertia
 *   falls roughly as a power of k.
 * - `silhouette`: the largest mean silhouette (ties: the smaller k).
 * Each returns the k and a sentence saying why, for the log.
 */
export interface PickedK {
  k: number;
  why: string;
}

export function elbowK(ks: readonly number[], inertia: readonly number[]): PickedK {
  if (ks.length < 3) throw new RangeError(`the elbow needs at least 3 values of k, got ${ks.length}`);
  const lx = ks.map(Math.log);
  const [x0, x1] = [lx[0], lx[lx.length - 1]];
  const [yMax, yMin] = [Math.max(...inertia), Math.min(...inertia)];
  const gap = ks.map((_, i) => 1 - (lx[i] - x0) / (x1 - x0) - (yMax > yMin ? (inertia[i] - yMin) / (yMax - yMin) : 0));
  let best = 0;
  for (let i = 1; i < ks.length; i++) if (gap[i] > gap[best]) best = i;
  if (!(gap[best] > 0)) return { k: ks[0], why: 'the inertia curve has no bend below its chord (no elbow): the smallest k swept' };
  return { k: ks[best], why: `the inertia curve bends most there (Kneedle: ${gap[best].toFixed(3)} below the chord over log k, scaled to [0, 1])` };
}

export function silhouetteK(ks: readonly number[], silhouette: readonly number[]): PickedK {
  if (ks.length === 0) throw new RangeError('no k to pick from');
  let best = 0;
  for (let i = 1; i < ks.length; i++) if (silhouette[i] > silhouette[best]) best = i;
  const next = silhouette.filter((_, i) => i !== best).reduce((a, b) => Math.max(a, b), -Infinity);
  return { k: ks[best], why: `the largest mean silhouette, ${silhouette[best].toFixed(3)}${Number.isFinite(next) ? ` (next best ${next.toFixed(3)})` : ''}` };
}
