/**
 * Balanced sampling down a cluster hierarchy (Vo et al. 2024, arXiv 2405.15613, §4.3): the
 * target is shared among the top-level clusters by water-filling — find x with
 * Σ min(x, nᵢ) = target, where nᵢ counts the rows beneath each cluster, and hand the remainder
 * to clusters larger than x — then each cluster's share is shared among its children the same
 * way, down to the run's clusters (the leaves). Water-filling is allocate-quotas.ts's `equal`
 * rule (remainders by a seeded rank). Small concepts thus give all their rows and large ones
 * only what the others leave, at every level.
 */
import { allocateQuotas } from './allocate-quotas.js';

/**
 * Quota per leaf. `leafSizes`: rows per leaf cluster; `parents` as buildHierarchy returns them
 * (empty: one water-filling over the leaves). The quotas sum to min(target, Σ leafSizes).
 */
export function balancedQuotas(leafSizes: Int32Array, parents: readonly Int32Array[], target: number, seed: number): Int32Array {
  // Rows beneath each node, level by level.
  const sizes: Int32Array[] = [leafSizes];
  for (const p of parents) {
    const below = sizes[sizes.length - 1];
    let top = 0;
    for (const parent of p) top = Math.max(top, parent);
    const up = new Int32Array(top + 1);
    p.forEach((parent, i) => (up[parent] += below[i]));
    sizes.push(up);
  }
  let quotas = allocateQuotas(sizes[sizes.length - 1], target, 'equal', seed);
  for (let level = parents.length - 1; level >= 0; level--) {
    const p = parents[level];
    const below = sizes[level];
    const next = new Int32Array(below.length);
    const children = new Map<number, number[]>();
    p.forEach((parent, i) => children.set(parent, [...(children.get(parent) ?? []), i]));
    for (const [parent, kids] of children) {
      const share = allocateQuotas(Int32Array.from(kids, (i) => below[i]), quotas[parent], 'equal', seed + 1 + level * 7919 + parent);
      kids.forEach((i, t) => (next[i] = share[t]));
    }
    quotas = next;
  }
  return quotas;
}
