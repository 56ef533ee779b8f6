import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeans as mlKMeans } from 'ml-kmeans';
import { featureStats, fitKMeans } from '../../../core/kmeans/kmeans.js';
import { kmeansPlusPlus } from '../../../core/kmeans/kmeans-plusplus.js';
import { createRng } from '../../../core/util/random.js';

const kernel = { threads: 1 };

/** Gaussian blobs: `perBlob` rows around each of `centres` (k × d), in blob order. */
function blobs(centres: Float32Array, k: number, d: number, perBlob: number, spread: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(k * perBlob * d);
  for (let c = 0; c < k; c++) {
    for (let r = 0; r < perBlob; r++) {
      const o = (c * perBlob + r) * d;
      for (let j = 0; j < d; j++) x[o + j] = centres[c * d + j] + spread * rng.gaussian();
    }
  }
  return x;
}

function randomCentres(k: number, d: number, scale: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: k * d }, () => scale * rng.gaussian());
}

/** Σ_i min_j ‖x_i − c_j‖² by brute force in double: one yardstick for any set of centres. */
function inertiaOf(x: Float32Array, n: number, d: number, c: ArrayLike<number>, k: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) {
        const v = x[i * d + f] - c[j * d + f];
        s += v * v;
      }
      if (s < best) best = s;
    }
    total += best;
  }
  return total;
}

test('well-separated blobs: every true centre is recovered and the labels are the true partition', async () => {
  const k = 6, d = 8, perBlob = 150;
  const centres = randomCentres(k, d, 10, 1);
  const x = blobs(centres, k, d, perBlob, 0.5, 2);
  const n = k * perBlob;
  const result = await fitKMeans(x, n, d, { k, seed: 3, kernel });

  // Match each found cluster to the true blob holding most of its rows; the matching must be a
  // bijection and every row must agree with it (adjusted Rand index 1).
  const blobOf = new Int32Array(k).fill(-1);
  for (let i = 0; i < n; i++) {
    const blob = Math.floor(i / perBlob);
    const label = result.labels[i];
    if (blobOf[label] === -1) blobOf[label] = blob;
    assert.equal(blobOf[label], blob, `row ${i} of blob ${blob} shares cluster ${label} with another blob`);
  }
  assert.equal(new Set(blobOf).size, k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (result.centroids[c * d + j] - centres[blobOf[c] * d + j]) ** 2;
    assert.ok(Math.sqrt(s) < 0.3, `centre ${c} is ${Math.sqrt(s)} from its blob centre`);
  }
  assert.ok(Math.abs(result.inertia - inertiaOf(x, n, d, result.centroids, k)) < 1e-6 * result.inertia);
});

test('k-means++ seeds one centre in each of k well-separated blobs, each a data row', async () => {
  const k = 8, d = 5, perBlob = 100;
  const x = blobs(randomCentres(k, d, 20, 16), k, d, perBlob, 0.3, 17);
  for (const seed of [1, 2, 3]) {
    const seeds = await kmeansPlusPlus(x, k * perBlob, d, k, createRng(seed), kernel);
    const blobsHit = new Set<number>();
    for (let c = 0; c < k; c++) {
      const row = Array.from({ length: k * perBlob }, (_, i) => i).find((i) =>
        x.subarray(i * d, (i + 1) * d).every((v, j) => v === seeds[c * d + j]),
      );
      assert.ok(row !== undefined, `seed ${c} is not a row of x`);
      blobsHit.add(Math.floor(row / perBlob));
    }
    assert.equal(blobsHit.size, k, `seed ${seed}: two centres share a blob`);
  }
});

test('the same seed gives identical results; other seeds start elsewhere', async () => {
  const n = 600, d = 5, k = 12;
  const x = randomCentres(n, d, 1, 4); // structureless data, so the seeding decides the outcome
  const a = await fitKMeans(x, n, d, { k, seed: 10, kernel });
  const b = await fitKMeans(x, n, d, { k, seed: 10, kernel });
  assert.deepEqual(a.centroids, b.centroids);
  assert.deepEqual(a.labels, b.labels);
  assert.equal(a.inertia, b.inertia);
  const others = await Promise.all([11, 12, 13].map((seed) => fitKMeans(x, n, d, { k, seed, maxIter: 1, kernel })));
  const first = await fitKMeans(x, n, d, { k, seed: 10, maxIter: 1, kernel });
  for (const o of others) assert.notDeepEqual(o.centroids, first.centroids);
});

test('final labels are each row’s nearest final centre and the inertia matches them', async () => {
  const n = 800, d = 6, k = 15;
  const x = blobs(randomCentres(10, d, 2, 5), 10, d, 80, 1, 6);
  const r = await fitKMeans(x, n, d, { k, seed: 1, maxIter: 4, kernel });
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let own = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) s += (x[i * d + f] - r.centroids[j * d + f]) ** 2;
      if (s < best) best = s;
      if (j === r.labels[i]) own = s;
    }
    assert.ok(own <= best + 1e-5, `row ${i} is labelled with a centre that is not its nearest`);
    total += own;
  }
  assert.equal(r.iterations, 4);
  assert.ok(Math.abs(r.inertia - total) < 1e-9 * total);
});

test('onIteration reports the inertia of each assignment, to the centres it started from', async () => {
  const n = 700, d = 7, k = 9;
  const x = blobs(randomCentres(7, d, 2, 13), 7, d, 100, 1, 14);
  const init = randomCentres(k, d, 1, 15);
  const inertias: number[] = [];
  const one = await fitKMeans(x, n, d, { k, seed: 0, init, maxIter: 1, kernel, onIteration: (_, inertia) => inertias.push(inertia) });
  const expected = inertiaOf(x, n, d, init, k);
  assert.ok(Math.abs(inertias[0] - expected) < 1e-5 * expected, `${inertias[0]} vs ${expected}`);
  const second: number[] = [];
  await fitKMeans(x, n, d, { k, seed: 0, init, maxIter: 2, kernel, onIteration: (_, inertia) => second.push(inertia) });
  const afterOne = inertiaOf(x, n, d, one.centroids, k);
  assert.ok(Math.abs(second[1] - afterOne) < 1e-5 * afterOne);
  assert.ok(second[1] < second[0]);
});

test('tol is relative to the mean feature variance: iteration stops at the first shift ≤ tol × variance', async () => {
  const n = 1600, d = 10, k = 20;
  const x = blobs(randomCentres(8, d, 1.5, 7), 8, d, 200, 1, 8);
  const variance = featureStats(x, n, d).meanVariance;
  const shifts: number[] = [];
  const full = await fitKMeans(x, n, d, { k, seed: 2, tol: 0, kernel, onIteration: (_, __, shift) => shifts.push(shift) });
  assert.equal(full.iterations, shifts.length);
  assert.ok(shifts.length >= 4, `needs a few iterations to be a useful case, got ${shifts.length}`);
  assert.equal(shifts[shifts.length - 1], 0, 'tol = 0 stops only when nothing moves');

  const tol = (shifts[2] * 1.0001) / variance;
  const expected = shifts.findIndex((s) => s <= tol * variance) + 1;
  const early = await fitKMeans(x, n, d, { k, seed: 2, tol, kernel });
  assert.equal(early.iterations, expected);
  assert.ok(early.iterations < full.iterations);

  const once = await fitKMeans(x, n, d, { k, seed: 2, tol: 1e9, kernel });
  assert.equal(once.iterations, 1);
});

test('an empty cluster is re-seeded from the row farthest from its centre', async () => {
  const d = 2;
  const rng = createRng(9);
  const rows: number[] = [];
  for (let i = 0; i < 50; i++) rows.push(rng.gaussian() * 0.1, rng.gaussian() * 0.1);
  for (let i = 0; i < 50; i++) rows.push(10 + rng.gaussian() * 0.1, rng.gaussian() * 0.1);
  rows.push(0, 4); // the row farthest from any centre
  const x = Float32Array.from(rows);
  const n = 101;
  // The third starting centre is nowhere near the data, so its cluster is empty at once.
  const init = Float32Array.from([0, 0, 10, 0, 500, 500]);
  const inertias: number[] = [];
  const r = await fitKMeans(x, n, d, { k: 3, seed: 0, init, kernel, onIteration: (_, inertia) => inertias.push(inertia) });

  assert.deepEqual(Array.from(r.centroids.subarray(4, 6)), [0, 4]);
  assert.equal(r.labels[100], 2);
  assert.equal(r.labels.filter((l) => l === 2).length, 1);
  // The donor cluster's centre no longer includes the moved row.
  let mx = 0, my = 0;
  for (let i = 0; i < 50; i++) {
    mx += x[i * d] / 50;
    my += x[i * d + 1] / 50;
  }
  assert.ok(Math.abs(r.centroids[0] - mx) < 1e-5 && Math.abs(r.centroids[1] - my) < 1e-5);
  assert.ok(inertias[inertias.length - 1] < inertias[0] / 2);
});

test('k larger than the number of rows is a clear error; k equal to it puts every row in its own cluster', async () => {
  const d = 3;
  const x = randomCentres(5, d, 1, 10);
  await assert.rejects(fitKMeans(x, 5, d, { k: 6, seed: 0, kernel }), /k = 6 clusters needs at least 6 rows, got 5/);
  await assert.rejects(fitKMeans(x, 4, d, { k: 2, seed: 0, kernel }), /expected n × d/);
  const all = await fitKMeans(x, 5, d, { k: 5, seed: 0, kernel });
  assert.equal(new Set(all.labels).size, 5);
  assert.ok(all.inertia < 1e-10);
});

// Overlapping blobs have several local minima a few % apart, so one run of either is luck:
// compare the best of five seeds each (as n_init = 5 would), both scored by the same code.
test('inertia is within 1% of ml-kmeans on overlapping blobs (best of five seeds each)', async () => {
  const k = 12, d = 16, perBlob = 200;
  const x = blobs(randomCentres(k, d, 1.2, 11), k, d, perBlob, 1, 12);
  const n = k * perBlob;
  const data = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * d, (i + 1) * d)));
  let mine = Infinity;
  let peer = Infinity;
  for (const seed of [1, 2, 3, 4, 5]) {
    const ours = await fitKMeans(x, n, d, { k, seed, kernel });
    mine = Math.min(mine, inertiaOf(x, n, d, ours.centroids, k));
    const theirs = mlKMeans(data, k, { seed, initialization: 'kmeans++', maxIterations: 300 });
    peer = Math.min(peer, inertiaOf(x, n, d, theirs.centroids.flat(), k));
  }
  assert.ok(mine <= peer * 1.01, `semclust ${mine} vs ml-kmeans ${peer}`);
});

test('the thread count changes speed only: one, two and three threads give the same centroids, bit for bit', async () => {
  // Overlapping blobs, so that many iterations move centres and every block's float32 sums count.
  const rng = createRng(1);
  const n = 20000, d = 32;
  const x = new Float32Array(n * d).map((_, i) => 3 * (Math.floor(i / d) % 7) + rng.gaussian());
  const fits = [];
  for (const threads of [1, 2, 3]) fits.push(await fitKMeans(x, n, d, { k: 50, seed: 3, maxIter: 20, kernel: { threads } }));
  for (const f of fits.slice(1)) {
    assert.deepEqual(f.centroids, fits[0].centroids);
    assert.deepEqual(f.labels, fits[0].labels);
    assert.equal(f.inertia, fits[0].inertia);
  }
});
