import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { fitUmap } from '../../../core/umap/fit-umap.js';
import { releaseTransformIndex, transformUmap } from '../../../core/umap/transform-umap.js';
import { decodeUmapModel, encodeUmapModel } from '../../../core/umap/umap-model.js';

/** `clusters` well-separated Gaussian blobs in `dim` dimensions; labels in order. */
function blobs(clusters: number, per: number, dim: number, seed: number): { data: Float32Array; labels: Int32Array } {
  const rng = createRng(seed);
  const centers = Array.from({ length: clusters }, () => Float64Array.from({ length: dim }, () => rng.gaussian() * 10));
  const data = new Float32Array(clusters * per * dim);
  const labels = new Int32Array(clusters * per);
  for (let c = 0; c < clusters; c++) {
    for (let p = 0; p < per; p++) {
      const i = c * per + p;
      labels[i] = c;
      for (let t = 0; t < dim; t++) data[i * dim + t] = centers[c][t] + rng.gaussian();
    }
  }
  return { data, labels };
}

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

test('transforming the fitted points lands them near their fitted positions and in their cluster', async () => {
  const model = await fitUmap(data, DIM, options);
  try {
    const out = await transformUmap(model, data);
    model.dims.forEach((d, o) => {
      const fitted = model.embeddings[o], moved = out[o];
      assert.equal(moved.length, fitted.length);
      let diameter = 0;
      for (let t = 0; t < d; t++) {
        let lo = Infinity, hi = -Infinity;
        for (let i = 0; i < 400; i++) [lo, hi] = [Math.min(lo, fitted[i * d + t]), Math.max(hi, fitted[i * d + t])];
        diameter = Math.max(diameter, hi - lo);
      }
      let total = 0;
      for (let i = 0; i < 400; i++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (fitted[i * d + t] - moved[i * d + t]) ** 2;
        total += Math.sqrt(s);
      }
      assert.ok(total / 400 < 0.05 * diameter, `${d}-d: mean shift ${total / 400} vs diameter ${diameter}`);
      // Each transformed point's nearest fitted point carries its label.
      let agree = 0;
      for (let i = 0; i < 400; i++) {
        let best = Infinity, bestJ = -1;
        for (let j = 0; j < 400; j++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += (moved[i * d + t] - fitted[j * d + t]) ** 2;
          if (s < best) [best, bestJ] = [s, j];
        }
        if (labels[bestJ] === labels[i]) agree++;
      }
      assert.equal(agree, 400);
    });
  } finally {
    await releaseTransformIndex(model);
  }
});

test('transform depends only on the model and the block; another partition moves rows only slightly', async () => {
  const model = await fitUmap(data, DIM, options);
  try {
    const rng = createRng(3);
    const fresh = Float32Array.from({ length: 30 * DIM }, (_, i) => data[(i % (40 * DIM)) + 80 * DIM] + 0.3 * rng.gaussian());
    const whole = await transformUmap(model, fresh);
    const tail = await transformUmap(model, fresh.subarray(10 * DIM));
    const head = await transformUmap(model, fresh.subarray(0, 10 * DIM));
    assert.deepEqual(await transformUmap(model, fresh), whole);
    for (let o = 0; o < model.dims.length; o++) {
      const d = model.dims[o], fitted = model.embeddings[o];
      const joined = new Float32Array(30 * d);
      joined.set(head[o], 0);
      joined.set(tail[o], 10 * d);
      assert.ok(whole[o].every(Number.isFinite));
      // Negative samples come from one stream per block, so a row's samples depend on its
      // block-mates: rows agree up to SGD noise, small against the layout's extent.
      let extent = 0;
      for (let i = 0; i < fitted.length; i++) extent = Math.max(extent, Math.abs(fitted[i]));
      let shift = 0;
      for (let i = 0; i < 30; i++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += (joined[i * d + t] - whole[o][i * d + t]) ** 2;
        shift += Math.sqrt(s) / 30;
      }
      assert.ok(shift < 0.05 * extent, `${d}-d: mean shift ${shift}, extent ${extent}`);
    }
  } finally {
    await releaseTransformIndex(model);
  }
});

test('encode/decode round-trips the model, and decode rejects inconsistent arrays', async () => {
  const model = await fitUmap(data, DIM, options);
  const encoded = encodeUmapModel(model);
  const json = JSON.parse(JSON.stringify(encoded.meta));
  const decoded = decodeUmapModel({ meta: json, arrays: encoded.arrays });
  assert.deepEqual(decoded.params, model.params);
  assert.deepEqual(decoded.dims, model.dims);
  assert.deepEqual(decoded.embeddings, model.embeddings);
  assert.deepEqual(decoded.data, model.data);
  try {
    assert.deepEqual(await transformUmap(decoded, data.subarray(0, 20 * DIM)), await transformUmap(model, data.subarray(0, 20 * DIM)));
  } finally {
    await releaseTransformIndex(decoded);
    await releaseTransformIndex(model);
  }
  assert.throws(() => decodeUmapModel({ meta: json, arrays: { ...encoded.arrays, embedding1: new Float32Array(3) } }), /embedding1/);
  assert.throws(() => decodeUmapModel({ meta: { ...json, format: 'other' }, arrays: encoded.arrays }), /format/);
});
