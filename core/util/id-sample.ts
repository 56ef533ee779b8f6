/**
 * A seeded Bernoulli sample of rows decided by each row's id alone (FNV-1a 32 of the UTF-16
 * code units, then the murmur3 finaliser mixed with the seed): the same rows are chosen
 * whatever the part layout, the number of workers or shards, and on a resume, with no pass
 * over the data first. infer uses it to project only the rows the map can draw.
 */

/** A value in [0, 1) fixed by `id` and `seed`, uniform over ids. */
export function idUniform(id: string, seed: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = (h ^ Math.imul(seed | 0, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** Positions (ascending) of the ids in the sample: each is kept with probability `fraction`; all when fraction ≥ 1. */
export function idSample(ids: readonly string[], seed: number, fraction: number): Uint32Array {
  if (fraction >= 1) return Uint32Array.from(ids.keys());
  const kept: number[] = [];
  for (let i = 0; i < ids.length; i++) if (idUniform(ids[i], seed) < fraction) kept.push(i);
  return Uint32Array.from(kept);
}
