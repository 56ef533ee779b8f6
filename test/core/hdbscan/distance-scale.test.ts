/**
 * Issue 8 item 14: coordinates whose squares overflow float32 (or underflow it) must give the
 * same clustering as the data at a sane scale, a spanning-tree round that finds no edge must be
 * an error rather than a loop, and prediction must reject non-finite rows and call far rows noise.
 * Before the fix the 1e20 fit spun forever in a synchronous loop (the test never finished; node
 * --test cannot time it out), the empty-round test likewise, and far rows got label 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { BlockTopK } from '../../../core/hdbscan/block-top-k.js';
import { fitHdbscan } from '../../../core/hdbscan/fit-hdbscan.js';
import { HdbscanPredictor } from '../../../core/hdbscan/approximate-predict.js';
import { buildKdTree } from '../../../core/hdbscan/kd-tree.js';
import { mutualReachabilityMst } from '../../../core/hdbscan/mutual-reachability-mst.js';
import { nearestNeighbors } from '../../../core/hdbscan/nearest-neighbors.js';

const D = 3;

/** 200 points: three gaussian blobs of 60 and 20 uniform points, at unit scale. */
function blobs(): Float32Array {
  const rng = createRng(8);
  const out = new Float32Array(200 * D);
  for (let i = 0; i < 200; i++) {
    for (let j = 0; j < D; j++) {
      out[i * D + j] = i < 180 ? [0, 6, 12][i % 3] + 0.7 * rng.gaussian() : rng.next() * 20 - 4;
    }
  }
  return out;
}

/** The rows times a power of two, so that the scaled data is the same data exactly. */
const times = (data: Float32Array, factor: number): Float32Array => data.map((v) => v * factor);

test('points scaled by 2^66 (≈ 1e20, squares beyond float32) cluster exactly as at unit scale', { timeout: 60_000 }, async () => {
  const data = blobs();
  const options = { minClusterSize: 10, minSamples: 5, threads: 1 };
  const base = await fitHdbscan(data, 200, D, options);
  assert.ok(base.model.meta.labelCount >= 3);
  for (const factor of [2 ** 66, 2 ** -90]) {
    const fit = await fitHdbscan(times(data, factor), 200, D, options);
    assert.deepEqual(fit.labels, base.labels, `factor ${factor}`);
    assert.deepEqual(fit.probabilities, base.probabilities, `factor ${factor}`);
    // Levels are 1 / distance in data units: exactly the unit-scale levels divided by the factor.
    assert.deepEqual(fit.model.pointLambda, base.model.pointLambda.map((l) => l / factor));
    for (let i = 0; i < 200; i++) assert.equal(fit.model.predictionCore[i], base.model.predictionCore[i] * factor);
  }
});

test('points scaled by 1e20 (not a power of two) keep the unit-scale labels', { timeout: 60_000 }, async () => {
  const data = blobs();
  const options = { minClusterSize: 10, minSamples: 5, threads: 1 };
  const base = await fitHdbscan(data, 200, D, options);
  const fit = await fitHdbscan(times(data, 1e20), 200, D, options);
  assert.deepEqual(fit.labels, base.labels);
});

test('a Borůvka round that joins no component is an error, not an endless loop', { timeout: 60_000 }, async () => {
  const data = blobs();
  const tree = buildKdTree(data, 200, D, 16);
  const kernel = await BlockTopK.create(D, 1);
  try {
    const neighbours = await nearestNeighbors(tree, kernel, data, 200, 8);
    // Infinite core distances make every mutual-reachability edge infinite: no round can add one.
    const core = new Float64Array(200).fill(Infinity);
    await assert.rejects(mutualReachabilityMst(tree, kernel, core, neighbours), /Borůvka round joined none of the 200 components/);
  } finally {
    await kernel.close();
  }
});

test('prediction rejects NaN and ±Infinity rows, naming the row', { timeout: 60_000 }, async () => {
  const fit = await fitHdbscan(blobs(), 200, D, { minClusterSize: 10, minSamples: 5, threads: 1 });
  const predictor = await HdbscanPredictor.create(fit.model, { threads: 1 });
  try {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const block = new Float32Array(3 * D).fill(1);
      block[2 * D + 1] = bad;
      await assert.rejects(predictor.predict(block, 3), new RegExp(`row 2 of the block to predict holds ${bad}`));
    }
  } finally {
    await predictor.close();
  }
});

test('rows too far to join any cluster are noise, also when their distance overflows float32; near rows keep their labels', { timeout: 60_000 }, async () => {
  const data = blobs();
  const fit = await fitHdbscan(data, 200, D, { minClusterSize: 10, minSamples: 5, threads: 1 });
  const predictor = await HdbscanPredictor.create(fit.model, { threads: 1 });
  try {
    const near = data.slice(0, 30 * D);
    const alone = await predictor.predict(near, 30);
    const far = [1e4, -1e12, 3e19, 1e30, -3e38];
    const block = new Float32Array((30 + far.length) * D);
    block.set(near);
    far.forEach((v, i) => block.fill(v, (30 + i) * D, (31 + i) * D));
    const mixed = await predictor.predict(block, 30 + far.length);
    assert.deepEqual(mixed.labels.subarray(0, 30), alone.labels);
    assert.deepEqual(Array.from(mixed.labels.subarray(30)), far.map(() => -1));
    assert.deepEqual(Array.from(mixed.probabilities.subarray(30)), far.map(() => 0));
  } finally {
    await predictor.close();
  }
});

test('a model fitted on 1e20-scale rows predicts those rows with their fit labels', { timeout: 60_000 }, async () => {
  const data = times(blobs(), 1e20);
  const fit = await fitHdbscan(data, 200, D, { minClusterSize: 10, minSamples: 5, threads: 1 });
  const predictor = await HdbscanPredictor.create(fit.model, { threads: 1 });
  try {
    const { labels } = await predictor.predict(data, 200);
    let same = 0;
    let members = 0;
    for (let i = 0; i < 200; i++) {
      if (fit.labels[i] < 0) continue;
      members++;
      if (labels[i] === fit.labels[i]) same++;
    }
    assert.ok(members > 150 && same / members >= 0.99, `${same} of ${members}`);
  } finally {
    await predictor.close();
  }
});
