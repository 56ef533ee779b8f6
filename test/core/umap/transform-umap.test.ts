import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { fitUmap } from '../../../core/umap/fit-umap.js';
import { releaseTransformIndex, transformUmap } from '../../../core/umap/transform-umap.js';
import { blobs } from '../../support/separated-blobs.js';

const DIM = 16;
const { data, labels } = blobs(5, 80, DIM, 1);
const options = { dims: [5, 2], nNeighbors: 10, nEpochs: 150, seed: 7 };

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
