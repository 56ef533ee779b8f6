import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignAndSum, SUM_IN_JS_FROM_K } from '../../../core/kernels/assign-and-sum.js';
import { CandidateDistances } from '../../../core/kernels/candidate-distances.js';
import { NearestCentroid } from '../../../core/kernels/nearest-centroid.js';
import { rowSquaredNorms } from '../../../core/kernels/session.js';
import { createRng } from '../../../core/util/random.js';

function randomMatrix(rows: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const m = new Float32Array(rows * d);
  for (let i = 0; i < m.length; i++) m[i] = rng.gaussian();
  return m;
}

function squaredDistance(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const v = a[ai * d + j] - b[bi * d + j];
    s += v * v;
  }
  return s;
}

/** Plain-JS nearest centroid: label, its distance and the runner-up distance (to spot near-ties). */
function bruteForce(x: Float32Array, n: number, c: Float32Array, k: number, d: number) {
  const labels = new Int32Array(n);
  const best = new Float64Array(n);
  const second = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let b = Infinity;
    let s = Infinity;
    for (let j = 0; j < k; j++) {
      const dist = squaredDistance(x, i, c, j, d);
      if (dist < b) {
        s = b;
        b = dist;
        labels[i] = j;
      } else if (dist < s) s = dist;
    }
    best[i] = b;
    second[i] = s;
  }
  return { labels, best, second };
}

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

// onnxruntime's multi-threaded ScatterND adds into shared rows unsynchronised; with the sums in
// the same 2-thread session as the Gemm this case gave different sums on every run.
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

test('CandidateDistances caps each distance at the row’s closest distance and sums each column', async () => {
  const n = 1000, d = 10, m = 4;
  const x = randomMatrix(n, d, 6);
  const candidates = randomMatrix(m, d, 7);
  const closest = new Float32Array(n);
  const rng = createRng(8);
  for (let i = 0; i < n; i++) closest[i] = rng.next() * 30;
  const kernel = await CandidateDistances.create(d, { threads: 1, blockRows: 300 });
  const out = new Float32Array(n * m);
  const potentials = await kernel.run(x, n, rowSquaredNorms(x, n, d), closest, candidates, m, out);
  await kernel.close();
  const columns = new Float64Array(m);
  let capped = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < m; t++) {
      const exact = squaredDistance(x, i, candidates, t, d);
      if (closest[i] < exact) capped++;
      const want = Math.min(closest[i], exact);
      assert.ok(Math.abs(out[i * m + t] - want) < 1e-4 * (1 + want), `row ${i} candidate ${t}`);
      columns[t] += out[i * m + t];
    }
  }
  assert.ok(capped > 0 && capped < n * m, 'the data exercises both sides of the cap');
  for (let t = 0; t < m; t++) assert.ok(Math.abs(potentials[t] - columns[t]) < 1e-6 * columns[t]);
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

test('CandidateDistances with weights sums each column as weight × capped distance', async () => {
  const n = 700, d = 6, m = 3;
  const x = randomMatrix(n, d, 9);
  const candidates = randomMatrix(m, d, 10);
  const closest = new Float32Array(n).fill(Infinity);
  const rng = createRng(11);
  const weights = Float64Array.from({ length: n }, () => rng.int(5));
  const kernel = await CandidateDistances.create(d, { threads: 1, blockRows: 256 });
  const out = new Float32Array(n * m);
  const weighted = await kernel.run(x, n, rowSquaredNorms(x, n, d), closest, candidates, m, out, weights);
  const plain = await kernel.run(x, n, rowSquaredNorms(x, n, d), closest, candidates, m, out);
  await kernel.close();
  for (let t = 0; t < m; t++) {
    let want = 0;
    for (let i = 0; i < n; i++) want += weights[i] * squaredDistance(x, i, candidates, t, d);
    assert.ok(Math.abs(weighted[t] - want) < 1e-5 * want, `candidate ${t}: ${weighted[t]} vs ${want}`);
    assert.ok(Math.abs(weighted[t] - plain[t]) > 1e-3 * plain[t], 'the weights change the sums');
  }
});
