import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockTopK, kernelError } from '../../../core/hdbscan/block-top-k.js';
import { createRng } from '../../../core/util/random.js';

const m = 23, n = 57, d = 5, k = 4;

function data(seed: number, offset: number) {
  const rng = createRng(seed);
  const q = Float32Array.from({ length: m * d }, () => offset + rng.gaussian());
  const r = Float32Array.from({ length: n * d }, () => offset + rng.gaussian());
  const centre = q.slice(0, d);
  const rcore2 = Float32Array.from({ length: n }, () => rng.next() * 3);
  return { q, r, centre, rcore2 };
}

const d2 = (a: Float32Array, i: number, b: Float32Array, j: number) => {
  let s = 0;
  for (let t = 0; t < d; t++) s += (a[i * d + t] - b[j * d + t]) ** 2;
  return s;
};

/** Per query, the reference distances in ascending order under `score`. */
function expected(score: (i: number, j: number) => number) {
  return Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => score(i, j)).sort((a, b) => a - b).slice(0, k));
}

test('nearest: the k smallest squared distances per query, ascending, at their reference positions', async () => {
  const { q, r, centre } = data(1, 0);
  const kernel = await BlockTopK.create(d, 1);
  try {
    const got = await kernel.nearest(q, m, r, n, centre, k);
    const want = expected((i, j) => d2(q, i, r, j));
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < k; t++) {
        const v = got.values[i * k + t];
        assert.ok(Math.abs(v - want[i][t]) < 1e-4 * (1 + want[i][t]), `query ${i} rank ${t}`);
        assert.ok(Math.abs(d2(q, i, r, got.positions[i * k + t]) - v) < 1e-4 * (1 + v), 'position matches its value');
        if (t > 0) assert.ok(v >= got.values[i * k + t - 1]);
      }
    }
  } finally {
    await kernel.close();
  }
});

test('nearestReachable ranks by max(d², core²) of the reference row', async () => {
  const { q, r, centre, rcore2 } = data(2, 0);
  const kernel = await BlockTopK.create(d, 1);
  try {
    const got = await kernel.nearestReachable(q, m, r, rcore2, n, centre, k);
    const reach = (i: number, j: number) => Math.max(d2(q, i, r, j), rcore2[j]);
    const want = expected(reach);
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < k; t++) {
        assert.ok(Math.abs(got.values[i * k + t] - want[i][t]) < 1e-4 * (1 + want[i][t]), `query ${i} rank ${t}`);
        assert.ok(Math.abs(reach(i, got.positions[i * k + t]) - got.values[i * k + t]) < 1e-4 * (1 + want[i][t]));
      }
    }
  } finally {
    await kernel.close();
  }
});

test('far from the origin the float32 values stay within kernelError of the exact squared distance', async () => {
  const { q, r, centre } = data(3, 1e3);
  const kernel = await BlockTopK.create(d, 1);
  try {
    const got = await kernel.nearest(q, m, r, n, centre, n);
    const norm = (x: Float32Array, i: number) => Math.sqrt(d2(x, i, centre, 0));
    for (let i = 0; i < m; i++) {
      for (let t = 0; t < n; t++) {
        const j = got.positions[i * n + t];
        const err = Math.abs(got.values[i * n + t] - d2(q, i, r, j));
        assert.ok(err <= kernelError(d, norm(q, i), norm(r, j)), `query ${i} ref ${j}: error ${err}`);
      }
    }
  } finally {
    await kernel.close();
  }
});
