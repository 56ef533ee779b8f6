import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignAndSum, SUM_IN_JS_FROM_K } from '../../../core/kernels/assign-and-sum.js';
import { bruteForceNearestCentroid as bruteForce, randomMatrix } from '../../support/matrices.js';

for (const k of [9, SUM_IN_JS_FROM_K]) {
  test(`AssignAndSum returns labels and the per-cluster sums and counts of the assignment (k = ${k}: sums ${k < SUM_IN_JS_FROM_K ? 'by ScatterND' : 'in JS'})`, async () => {
    const n = 2500, d = 12;
    const x = randomMatrix(n, d, 4);
    const c = randomMatrix(k, d, 5);
    const expected = bruteForce(x, n, c, k, d);
    const step = await AssignAndSum.create(k, d, { threads: 1, blockRows: 700 });
    const labels = new Int32Array(n);
    const acc = { sums: new Float64Array(k * d).fill(7), counts: new Float64Array(k).fill(7) };
    try {
      await step.run(x, n, c, labels, acc);
    } finally {
      await step.close();
    }
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let j = 0; j < d; j++) sums[labels[i] * d + j] += x[i * d + j];
      if (expected.second[i] - expected.best[i] > 1e-3) assert.equal(labels[i], expected.labels[i], `label of row ${i}`);
    }
    assert.deepEqual(Array.from(acc.counts), Array.from(counts));
    for (let j = 0; j < k * d; j++) assert.ok(Math.abs(acc.sums[j] - sums[j]) < 1e-3, `sum ${j}`);
  });
}

test('AssignAndSum with 2 threads gives the same sums on every run', async () => {
  const n = 20000, d = 128, k = 3;
  const x = randomMatrix(n, d, 9);
  const c = x.slice(0, k * d);
  const step = await AssignAndSum.create(k, d, { threads: 2 });
  const labels = new Int32Array(n);
  const runs: Float64Array[] = [];
  try {
    for (let r = 0; r < 4; r++) {
      const acc = { sums: new Float64Array(k * d), counts: new Float64Array(k) };
      await step.run(x, n, c, labels, acc);
      runs.push(acc.sums);
    }
  } finally {
    await step.close();
  }
  for (const sums of runs.slice(1)) assert.deepEqual(sums, runs[0]);
  const expected = new Float64Array(k * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) expected[labels[i] * d + j] += x[i * d + j];
  for (let j = 0; j < k * d; j++) assert.ok(Math.abs(runs[0][j] - expected[j]) < 1e-2, `sum ${j}`);
});
