import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PairSimilarity } from '../../../core/kernels/pair-similarity.js';
import { createRng } from '../../../core/util/random.js';

test('every score of a block against m rows equals the plain dot product; rows past m are ignored', async () => {
  const b = 23, m = 41, d = 12;
  const rng = createRng(3);
  const x = Float32Array.from({ length: (b + 1) * d }, () => rng.gaussian()).subarray(d); // a view with a byte offset
  const y = Float32Array.from({ length: (m + 4) * d }, () => rng.gaussian());
  const kernel = await PairSimilarity.create(d, 1);
  try {
    const scores = await kernel.run(x, b, y, m);
    assert.equal(scores.length, b * m);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += x[i * d + t] * y[j * d + t];
        assert.ok(Math.abs(scores[i * m + j] - s) < 1e-4, `(${i}, ${j}): ${scores[i * m + j]} vs ${s}`);
      }
    }
  } finally {
    await kernel.close();
  }
});
