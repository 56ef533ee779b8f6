import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitUmap } from '../../../core/umap/fit-umap.js';
import { blobs } from '../../support/separated-blobs.js';

/** Fraction of points whose nearest other point in `emb` has the same label. */
function nearestLabelAgreement(emb: Float32Array, dim: number, labels: Int32Array): number {
  const n = labels.length;
  let same = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity, bestJ = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let d = 0;
      for (let t = 0; t < dim; t++) d += (emb[i * dim + t] - emb[j * dim + t]) ** 2;
      if (d < best) [best, bestJ] = [d, j];
    }
    if (labels[bestJ] === labels[i]) same++;
  }
  return same / n;
}

/** Largest within-cluster distance to the cluster mean over smallest distance between cluster means. */
function separation(emb: Float32Array, dim: number, labels: Int32Array, clusters: number): number {
  const means = new Float64Array(clusters * dim), counts = new Float64Array(clusters);
  for (let i = 0; i < labels.length; i++) {
    counts[labels[i]]++;
    for (let t = 0; t < dim; t++) means[labels[i] * dim + t] += emb[i * dim + t];
  }
  for (let c = 0; c < clusters; c++) for (let t = 0; t < dim; t++) means[c * dim + t] /= counts[c];
  const dist = (a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number) => {
    let s = 0;
    for (let t = 0; t < dim; t++) s += (a[ao + t] - b[bo + t]) ** 2;
    return Math.sqrt(s);
  };
  let spread = 0, gap = Infinity;
  for (let i = 0; i < labels.length; i++) spread = Math.max(spread, dist(emb, i * dim, means, labels[i] * dim));
  for (let a = 0; a < clusters; a++) for (let b = a + 1; b < clusters; b++) gap = Math.min(gap, dist(means, a * dim, means, b * dim));
  return spread / gap;
}

const DIM = 16;
const { data, labels } = blobs(5, 80, DIM, 1);
const options = { dims: [5, 2], nNeighbors: 10, nEpochs: 150, seed: 7 };

test('well-separated clusters stay separated in every output dimensionality', async () => {
  const model = await fitUmap(data, DIM, options);
  assert.deepEqual(model.dims, [5, 2]);
  model.dims.forEach((d, o) => {
    const emb = model.embeddings[o];
    assert.equal(emb.length, 400 * d);
    assert.ok(emb.every(Number.isFinite));
    assert.equal(nearestLabelAgreement(emb, d, labels), 1);
    assert.ok(separation(emb, d, labels, 5) < 0.5, `output ${d}-d: clusters overlap`);
  });
});

test('the same seed gives the same embedding; another seed a different one', async () => {
  const a = await fitUmap(data, DIM, options);
  const b = await fitUmap(data, DIM, options);
  const c = await fitUmap(data, DIM, { ...options, seed: 8 });
  for (let o = 0; o < 2; o++) {
    assert.deepEqual(a.embeddings[o], b.embeddings[o]);
    assert.notDeepEqual(a.embeddings[o], c.embeddings[o]);
  }
});

test('euclidean metric and a graph of separate components (one per blob) fit too', async () => {
  const model = await fitUmap(data, DIM, { ...options, dims: [2], metric: 'euclidean', nNeighbors: 5 });
  assert.equal(nearestLabelAgreement(model.embeddings[0], 2, labels), 1);
  assert.ok(separation(model.embeddings[0], 2, labels, 5) < 0.5);
});
