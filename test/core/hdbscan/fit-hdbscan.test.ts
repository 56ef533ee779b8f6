import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { fitHdbscan } from '../../../core/hdbscan/fit-hdbscan.js';

/** Two tight blobs of 150 points (first at the origin, then at (10, 10)) and five far outliers. */
function twoBlobsAndOutliers(): { data: Float32Array; n: number } {
  const rng = createRng(4);
  const rows: number[] = [];
  for (const [cx, cy] of [[0, 0], [10, 10]]) {
    for (let i = 0; i < 150; i++) rows.push(cx + 0.5 * rng.gaussian(), cy + 0.5 * rng.gaussian());
  }
  rows.push(30, -30, -25, 20, 40, 40, -30, -30, 20, -40);
  return { data: Float32Array.from(rows), n: rows.length / 2 };
}

function majority(labels: Int32Array, from: number, to: number): { label: number; share: number } {
  const counts = new Map<number, number>();
  for (let i = from; i < to; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const [label, count] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return { label, share: count / (to - from) };
}

test('two well separated blobs and far outliers: two clusters, the outliers are noise', async () => {
  const { data, n } = twoBlobsAndOutliers();
  const fit = await fitHdbscan(data, n, 2, { minClusterSize: 20, minSamples: 5 });
  assert.equal(fit.model.meta.labelCount, 2);
  const a = majority(fit.labels, 0, 150);
  const b = majority(fit.labels, 150, 300);
  assert.ok(a.label >= 0 && b.label >= 0 && a.label !== b.label);
  assert.ok(a.share >= 0.95 && b.share >= 0.95, `${a.share} ${b.share}`);
  assert.deepEqual(Array.from(fit.labels.subarray(300)), [-1, -1, -1, -1, -1]);
  for (let i = 0; i < n; i++) {
    const p = fit.probabilities[i];
    if (fit.labels[i] < 0) assert.equal(p, 0);
    else assert.ok(p > 0 && p <= 1);
  }
  for (const label of [a.label, b.label]) {
    let top = 0;
    for (let i = 0; i < n; i++) if (fit.labels[i] === label) top = Math.max(top, fit.probabilities[i]);
    assert.equal(top, 1, 'the densest members of a cluster have probability 1');
  }
});

test('fitting is deterministic', async () => {
  const rng = createRng(9);
  const n = 1500;
  const d = 12;
  const data = Float32Array.from({ length: n * d }, (_, i) => (Math.floor(i / d) % 3) * 6 + rng.gaussian());
  const one = await fitHdbscan(data, n, d, { minClusterSize: 30, minSamples: 8 });
  const two = await fitHdbscan(data, n, d, { minClusterSize: 30, minSamples: 8, threads: 1 });
  assert.ok(one.model.meta.labelCount >= 2);
  assert.deepEqual(two.labels, one.labels);
  assert.deepEqual(two.probabilities, one.probabilities);
  assert.deepEqual(two.model, one.model);
});

test('min_samples defaults to min_cluster_size and is capped at n − 1, as in the package', async () => {
  const { data, n } = twoBlobsAndOutliers();
  assert.equal((await fitHdbscan(data, n, 2, { minClusterSize: 15 })).model.meta.minSamples, 15);
  const few = await fitHdbscan(data.subarray(0, 8), 4, 2, { minClusterSize: 2, minSamples: 10 });
  assert.equal(few.model.meta.minSamples, 3);
});

test('too few points for any cluster: all noise, and a single row works', async () => {
  const { data } = twoBlobsAndOutliers();
  const small = await fitHdbscan(data, 30, 2, { minClusterSize: 20 });
  assert.equal(small.model.meta.labelCount, 0);
  assert.ok(small.labels.every((l) => l === -1));
  const one = await fitHdbscan(Float32Array.of(1, 2), 1, 2, { minClusterSize: 2 });
  assert.deepEqual(Array.from(one.labels), [-1]);
});

test('invalid settings and data are rejected', async () => {
  const { data, n } = twoBlobsAndOutliers();
  await assert.rejects(fitHdbscan(data, n, 2, { minClusterSize: 1 }), RangeError);
  await assert.rejects(fitHdbscan(data, n, 2, { minClusterSize: 5, minSamples: 0 }), RangeError);
  await assert.rejects(fitHdbscan(data, n + 1, 2, { minClusterSize: 5 }), RangeError);
  const bad = data.slice();
  bad[7] = NaN;
  await assert.rejects(fitHdbscan(bad, n, 2, { minClusterSize: 5 }), /row 3 is not finite/);
});
