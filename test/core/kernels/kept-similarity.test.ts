import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeptSimilarity } from '../../../core/kernels/kept-similarity.js';
import { createRng } from '../../../core/util/random.js';

function unitRows(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: n * d }, () => rng.gaussian());
  for (let i = 0; i < n; i++) {
    const norm = Math.hypot(...x.subarray(i * d, i * d + d));
    for (let j = 0; j < d; j++) x[i * d + j] /= norm;
  }
  return x;
}

const dot = (a: Float32Array, i: number, b: Float32Array, j: number, d: number) => {
  let s = 0;
  for (let t = 0; t < d; t++) s += a[i * d + t] * b[j * d + t];
  return s;
};

test('best similarity to a kept row, which row, and the block’s Gram matrix equal plain dot products', async () => {
  const b = 40, m = 70, d = 16;
  const block = unitRows(b + 1, d, 1).subarray(d); // a view with a byte offset
  const kept = unitRows(m + 5, d, 2); // rows past m must be ignored
  const kernel = await KeptSimilarity.create(d, 1);
  try {
    const { best, arg, gram } = await kernel.run(block, b, kept, m);
    assert.equal(best.length, b);
    for (let i = 0; i < b; i++) {
      const scores = Array.from({ length: m }, (_, j) => dot(block, i, kept, j, d));
      const top = Math.max(...scores);
      assert.ok(Math.abs(best[i] - top) < 1e-5, `row ${i}`);
      assert.ok(arg[i] >= 0 && arg[i] < m);
      assert.ok(Math.abs(scores[arg[i]] - top) < 1e-5, `arg of row ${i}`);
      for (let j = 0; j < b; j++) assert.ok(Math.abs(gram[i * b + j] - dot(block, i, block, j, d)) < 1e-5);
    }
  } finally {
    await kernel.close();
  }
});

test('a block row equal to a kept row finds it at similarity 1', async () => {
  const d = 8;
  const kept = unitRows(5, d, 3);
  const block = kept.slice(3 * d, 4 * d);
  const kernel = await KeptSimilarity.create(d, 1);
  try {
    const { best, arg, gram } = await kernel.run(block, 1, kept, 5);
    assert.equal(arg[0], 3);
    assert.ok(Math.abs(best[0] - 1) < 1e-6);
    assert.ok(Math.abs(gram[0] - 1) < 1e-6);
  } finally {
    await kernel.close();
  }
});
