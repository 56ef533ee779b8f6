/** Test data for the clusterer tests: rows from a few Gaussian blobs plus uniform noise, and a reporter that records. */
import { createRng } from '../../core/util/random.js';
import type { FitReporter } from '../../pipeline/model/clusterer.js';

/** `n` rows × `d` from `k` blobs (spread 1, centres in ±15) with a `noise` share of uniform rows in ±25. */
export function blobs(n: number, d: number, k: number, noise: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.next() * 30 - 15));
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const b = rng.next() < noise ? -1 : rng.int(k);
    for (let j = 0; j < d; j++) data[i * d + j] = b < 0 ? rng.next() * 50 - 25 : centres[b][j] + rng.gaussian();
  }
  return data;
}

/** A FitReporter that keeps the messages and the progress labels with their phases. */
export function recordingReporter(): FitReporter & { messages: string[]; phases: string[] } {
  const messages: string[] = [];
  const phases: string[] = [];
  return {
    messages,
    phases,
    log: (m) => messages.push(m),
    progress: (label) => ({ onProgress: (e) => phases.push(`${label}: ${e.phase}`), finish: () => phases.push(`${label}: done`) }),
  };
}
