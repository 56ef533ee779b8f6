import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignAndSum } from '../../../core/kernels/assign-and-sum.js';
import { NearestCentroid } from '../../../core/kernels/nearest-centroid.js';
import { bruteForceNearestCentroid as bruteForce, randomMatrix } from '../../support/matrices.js';

test('NearestCentroid labels and distances equal a plain-JS brute force, across ragged blocks', async () => {
  const n = 3001, d = 24, k = 37;
  const x = randomMatrix(n + 3, d, 1).subarray(3 * d); // a view with a non-zero byte offset
  const c = randomMatrix(k, d, 2);
  const expected = bruteForce(x, n, c, k, d);
  const kernel = await NearestCentroid.create(c, k, d, { threads: 1, blockRows: 500 });
  const labels = new Int32Array(n);
  const dist = new Float32Array(n);
  try {
    await kernel.assign(x, n, labels, dist);
  } finally {
    await kernel.close();
  }
  let compared = 0;
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(dist[i] - expected.best[i]) <= 1e-4 * (1 + expected.best[i]), `distance of row ${i}`);
    // float32 rounding may swap two centroids that are equally near; elsewhere labels must agree.
    if (expected.second[i] - expected.best[i] > 1e-3) {
      assert.equal(labels[i], expected.labels[i], `label of row ${i}`);
      compared++;
    }
  }
  assert.ok(compared > n * 0.99);
});

test('NearestCentroid gives zero distance to a row that is itself a centroid', async () => {
  const d = 16, k = 5;
  const c = randomMatrix(k, d, 3).map((v) => v * 10);
  const kernel = await NearestCentroid.create(c, k, d, { threads: 1 });
  const labels = new Int32Array(k);
  const dist = new Float32Array(k);
  await kernel.assign(c, k, labels, dist);
  await kernel.close();
  assert.deepEqual(Array.from(labels), [0, 1, 2, 3, 4]);
  for (const v of dist) assert.ok(v >= 0 && v < 1e-2, `distance ${v}`);
});

test('NearestCentroid and AssignAndSum give a row tied between equal centroids the lower index', async () => {
  const d = 3;
  // Centroids 1 and 2 are the same point; centroid 0 and 3 are far away.
  const centroids = Float32Array.from([9, 9, 9, 1, 0, 0, 1, 0, 0, -9, -9, -9]);
  const x = Float32Array.from([1, 0, 0, 1.1, 0, 0, -9, -9, -9]);
  const kernel = await NearestCentroid.create(centroids, 4, d);
  const labels = new Int32Array(3);
  await kernel.assign(x, 3, labels, new Float32Array(3));
  await kernel.close();
  assert.deepEqual([...labels], [1, 1, 3]);
  const step = await AssignAndSum.create(4, d);
  const stepLabels = new Int32Array(3);
  await step.run(x, 3, centroids, stepLabels, { sums: new Float64Array(4 * d), counts: new Float64Array(4) });
  await step.close();
  assert.deepEqual([...stepLabels], [1, 1, 3]);
});

test('kernels reject a bad thread count', async () => {
  await assert.rejects(NearestCentroid.create(new Float32Array(4), 2, 2, { threads: 0 }), /threads/);
});
