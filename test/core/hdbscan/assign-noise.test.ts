import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { approximatePredict } from '../../../core/hdbscan/approximate-predict.js';
import { fittedRowLabels } from '../../../core/hdbscan/assign-noise.js';
import { fitHdbscan } from '../../../core/hdbscan/fit-hdbscan.js';
import type { CondensedTree } from '../../../core/hdbscan/condensed-tree.js';
import { labelPoints, selectClusters } from '../../../core/hdbscan/select-clusters.js';

const D = 6;

/** Three blobs plus 8% uniform noise. */
function sample(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = [[0, 0, 0, 0, 0, 0], [12, 0, 5, 0, 0, 3], [0, 14, 0, -6, 2, 0]];
  const data = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    const noise = rng.next() < 0.08;
    const c = centres[rng.int(3)];
    for (let j = 0; j < D; j++) data[i * D + j] = noise ? rng.next() * 40 - 20 : c[j] + rng.gaussian();
  }
  return data;
}

test('assign-noise: clustered rows keep label and probability; each noise row gets the label of its nearest clustered candidate in mutual reachability (brute force), else the nearest cluster mean', async () => {
  const n = 1500;
  const data = sample(n, 3);
  const fit = await fitHdbscan(data, n, D, { minClusterSize: 30, minSamples: 6 });
  const model = fit.model;
  assert.ok(model.meta.labelCount >= 3);
  // The fit labels as the model stores them are the fit's own.
  assert.deepEqual(fittedRowLabels(model), fit.labels);

  const m = 400;
  const block = sample(m, 9);
  // Two rows far beyond the fitted range: no search, so the nearest-mean rule.
  block.set([1e6, 0, 0, 0, 0, 0], 0);
  block.set([0, -1e6, 0, 0, 0, 0], D);
  const plain = await approximatePredict(model, block, m);
  const assigned = await approximatePredict(model, block, m, { assignNoise: true });
  assert.equal(plain.reassigned.reduce((a, b) => a + b, 0), 0);

  const means: number[][] = [];
  for (let c = 0; c < model.meta.labelCount; c++) {
    const sum = new Array(D).fill(0);
    let count = 0;
    for (let i = 0; i < n; i++) if (fit.labels[i] === c) {
      count++;
      for (let j = 0; j < D; j++) sum[j] += data[i * D + j];
    }
    means.push(sum.map((v) => v / count));
  }
  const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from({ length: D }, (_, j) => (a[j] - b[j]) ** 2).reduce((s, v) => s + v, 0));
  const k = 2 * model.meta.minSamples;
  let noise = 0;
  let byNeighbour = 0;
  for (let i = 0; i < m; i++) {
    const row = block.subarray(i * D, i * D + D);
    if (plain.labels[i] >= 0) {
      assert.equal(assigned.labels[i], plain.labels[i]);
      assert.equal(assigned.probabilities[i], plain.probabilities[i]);
      assert.equal(assigned.reassigned[i], 0);
      continue;
    }
    noise++;
    assert.equal(assigned.reassigned[i], 1, `row ${i}`);
    assert.equal(assigned.probabilities[i], 0);
    let expected = -1;
    if (i >= 2) {
      const near = Array.from({ length: n }, (_, j) => [dist(row, data.subarray(j * D, j * D + D)), j] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, k);
      const core = near[Math.min(model.meta.minSamples, k - 1)][0];
      let best = Infinity;
      for (const [d, j] of near) {
        const mr = Math.max(model.predictionCore[j], core, d);
        if (fit.labels[j] >= 0 && mr < best) {
          best = mr;
          expected = fit.labels[j];
        }
      }
      if (expected >= 0) byNeighbour++;
    }
    if (expected < 0) {
      const ds = means.map((c) => dist(row, c));
      expected = ds.indexOf(Math.min(...ds));
    }
    assert.equal(assigned.labels[i], expected, `row ${i}`);
  }
  assert.ok(noise >= 10, `noise rows ${noise}`);
  assert.ok(byNeighbour > 0 && byNeighbour < noise, `${byNeighbour} of ${noise} by neighbour`);
});

/**
 * A hand-built condensed tree: the root splits at λ = 1 into clusters 1 and 2 of three points
 * each, whose points fall out at λ = 1.5. Stabilities: root (1 − 0)·3 + (1 − 0)·3 = 6; each child
 * 3·(1.5 − 1) = 1.5, so the children sum to 3 < 6.
 */
const split: CondensedTree = {
  n: 6,
  clusterCount: 3,
  pointParent: Int32Array.of(1, 1, 1, 2, 2, 2),
  pointLambda: Float64Array.of(1.5, 1.5, 1.5, 1.5, 1.5, 1.5),
  clusterParent: Int32Array.of(-1, 0, 0),
  clusterBirth: Float64Array.of(0, 1, 1),
  clusterSize: Int32Array.of(6, 3, 3),
};

test('allow_single_cluster: eom keeps the root when it is more stable than its children, and only then', () => {
  const without = selectClusters(split, 'eom');
  assert.equal(without.labelCount, 2);
  assert.deepEqual(Array.from(labelPoints(split, without).labels), [0, 0, 0, 1, 1, 1]);
  const single = selectClusters(split, 'eom', 0, true);
  assert.equal(single.labelCount, 1);
  assert.deepEqual(Array.from(single.clusterLabel), [0, 0, 0]);
  assert.deepEqual(Array.from(labelPoints(split, single).labels), [0, 0, 0, 0, 0, 0]);
  // Children twice as long-lived (falling out at λ = 3: 3·2 each, 12 > 6) win even when the root may be chosen.
  const stable = { ...split, pointLambda: new Float64Array(6).fill(3) };
  assert.equal(selectClusters(stable, 'eom', 0, true).labelCount, 2);
  // leaf never takes the root while there is a split.
  assert.equal(selectClusters(split, 'leaf', 0, true).labelCount, 2);
});

test('allow_single_cluster: a tree with no split is one cluster holding the points that stay to its end (or beyond 1/ε)', () => {
  const flat: CondensedTree = {
    n: 5,
    clusterCount: 1,
    pointParent: new Int32Array(5),
    pointLambda: Float64Array.of(1, 2, 3, 3, 2.5),
    clusterParent: Int32Array.of(-1),
    clusterBirth: Float64Array.of(0),
    clusterSize: Int32Array.of(5),
  };
  for (const method of ['eom', 'leaf'] as const) {
    assert.equal(selectClusters(flat, method).labelCount, 0);
    const single = selectClusters(flat, method, 0, true);
    assert.equal(single.labelCount, 1);
    const { labels, probabilities } = labelPoints(flat, single);
    assert.deepEqual(Array.from(labels), [-1, -1, 0, 0, -1]);
    assert.deepEqual(Array.from(probabilities), [0, 0, 1, 1, 0]);
  }
  // ε = 0.5: points beyond λ = 2 are in.
  const eps = selectClusters(flat, 'eom', 0.5, true);
  assert.deepEqual(Array.from(labelPoints(flat, eps, 0.5).labels), [-1, 0, 0, 0, 0]);
});

test('allow_single_cluster end to end: one Gaussian blob is all noise by default and one cluster when allowed', async () => {
  const rng = createRng(5);
  const n = 300;
  const data = Float32Array.from({ length: n * 2 }, () => rng.gaussian());
  const fit = await fitHdbscan(data, n, 2, { minClusterSize: 150, minSamples: 10 });
  assert.equal(fit.model.meta.labelCount, 0);
  const single = await fitHdbscan(data, n, 2, { minClusterSize: 150, minSamples: 10, allowSingleCluster: true });
  assert.equal(single.model.meta.labelCount, 1);
  const members = single.labels.filter((l) => l === 0).length;
  assert.ok(members > 0 && members <= n);
  // Prediction of the fitted rows agrees with the fit labels under the same root rule.
  const p = await approximatePredict(single.model, data, n);
  let agree = 0;
  for (let i = 0; i < n; i++) if (p.labels[i] === single.labels[i]) agree++;
  assert.ok(agree / n >= 0.95, `agreement ${agree / n}`);
});
