/** The synthetic data of the k-means benches, as raw float32 files that semclust and its Python peers both read. */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { createRng } from '../core/util/random.js';

/**
 * n rows × d: `centres` random unit directions; each row is one of them plus Gaussian noise of
 * 0.04 per coordinate, L2-normalised (as embeddings are). Written in blocks, so memory does not
 * grow with n.
 */
export function writeBlobs(file: string, n: number, d: number, centres: number, seed: number): void {
  const rng = createRng(seed);
  const c = Float32Array.from({ length: centres * d }, () => rng.gaussian() / Math.sqrt(d));
  const blockRows = 8192;
  const block = new Float32Array(blockRows * d);
  const fd = openSync(file, 'w');
  try {
    for (let start = 0; start < n; start += blockRows) {
      const rows = Math.min(blockRows, n - start);
      for (let i = 0, o = 0; i < rows; i++, o += d) {
        const at = rng.int(centres) * d;
        let norm = 0;
        for (let j = 0; j < d; j++) {
          const v = c[at + j] + 0.04 * rng.gaussian();
          block[o + j] = v;
          norm += v * v;
        }
        const inv = 1 / Math.sqrt(norm);
        for (let j = 0; j < d; j++) block[o + j] *= inv;
      }
      writeSync(fd, new Uint8Array(block.buffer, 0, rows * d * 4));
    }
  } finally {
    closeSync(fd);
  }
}

export function readF32(file: string, length: number): Float32Array {
  const out = new Float32Array(length);
  const fd = openSync(file, 'r');
  try {
    const bytes = new Uint8Array(out.buffer);
    let at = 0;
    while (at < bytes.length) at += readSync(fd, bytes, at, bytes.length - at, at);
  } finally {
    closeSync(fd);
  }
  return out;
}
