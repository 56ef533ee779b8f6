import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { findAbParams } from '../../../core/umap/curve-params.js';
import { fuzzySimplicialSet, membershipStrengths } from '../../../core/umap/fuzzy-simplicial-set.js';
import type { Neighbors } from '../../../core/util/neighbors.js';
import { lanczosTopEigen } from '../../../core/umap/lanczos.js';
import { smoothKnnDistances } from '../../../core/umap/smooth-knn.js';
import { symmetricEigen } from '../../../core/umap/symmetric-eigen.js';

/** Random ascending kNN rows with the point itself first at distance 0. */
function randomNeighbors(n: number, k: number, seed: number): Neighbors {
  const rng = createRng(seed);
  const indices = new Int32Array(n * k), distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const d = Array.from({ length: k - 1 }, () => 0.1 + rng.next()).sort((a, b) => a - b);
    indices[i * k] = i;
    const used = new Set([i]);
    for (let j = 1; j < k; j++) {
      let c = rng.int(n);
      while (used.has(c)) c = rng.int(n);
      used.add(c);
      indices[i * k + j] = c;
      distances[i * k + j] = d[j - 1];
    }
  }
  return { rows: n, k, indices, distances };
}

test('smooth kNN: rho is the nearest positive distance and memberships sum to log2(k)', () => {
  const k = 15;
  const nb = randomNeighbors(200, k, 1);
  const { sigmas, rhos } = smoothKnnDistances(nb.distances, k);
  for (let i = 0; i < 200; i++) {
    assert.equal(rhos[i], nb.distances[i * k + 1]);
    let sum = 0;
    for (let j = 1; j < k; j++) sum += Math.exp(-Math.max(0, nb.distances[i * k + j] - rhos[i]) / sigmas[i]);
    assert.ok(Math.abs(sum - Math.log2(k)) < 1e-3, `row ${i}: ${sum}`);
  }
});

test('smooth kNN: local connectivity 0 gives rho 0 and interpolates fractional values', () => {
  const k = 5;
  const d = new Float32Array([0, 1, 2, 3, 4]);
  assert.equal(smoothKnnDistances(d, k, 0).rhos[0], 0);
  assert.equal(smoothKnnDistances(d, k, 1.5).rhos[0], 1.5);
  assert.equal(smoothKnnDistances(d, k, 2).rhos[0], 2);
});

test('fuzzy simplicial set: symmetric, fuzzy union of the two directed memberships, no self loops', () => {
  const k = 6, n = 80;
  const nb = randomNeighbors(n, k, 2);
  const g = fuzzySimplicialSet(nb);
  const dense = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let p = g.indptr[i]; p < g.indptr[i + 1]; p++) {
      if (p > g.indptr[i]) assert.ok(g.indices[p] > g.indices[p - 1], 'columns ascending');
      dense[i * n + g.indices[p]] = g.weights[p];
    }
  }
  const directed = new Float64Array(n * n);
  const w = membershipStrengths(nb, smoothKnnDistances(nb.distances, k), true);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) directed[i * n + nb.indices[i * k + j]] = w[i * k + j];
  for (let i = 0; i < n; i++) {
    assert.equal(dense[i * n + i], 0);
    for (let j = 0; j < n; j++) {
      const a = directed[i * n + j], b = directed[j * n + i];
      assert.ok(Math.abs(dense[i * n + j] - (a + b - a * b)) < 1e-6);
      assert.equal(dense[i * n + j], dense[j * n + i]);
    }
  }
});

test('fuzzy intersection (set_op_mix_ratio 0) keeps only mutual neighbours', () => {
  const nb = randomNeighbors(60, 5, 3);
  const g = fuzzySimplicialSet(nb, { setOpMixRatio: 0 });
  for (let i = 0; i < 60; i++) {
    for (let p = g.indptr[i]; p < g.indptr[i + 1]; p++) {
      const j = g.indices[p];
      const mutual = nb.indices.subarray(i * 5, i * 5 + 5).includes(j) && nb.indices.subarray(j * 5, j * 5 + 5).includes(i);
      assert.ok(mutual);
    }
  }
});

test('curve parameters for min_dist 0.1, spread 1 are umap-learn\'s a ≈ 1.577, b ≈ 0.895', () => {
  const { a, b } = findAbParams(1, 0.1);
  assert.ok(Math.abs(a - 1.5769) < 2e-3, `a ${a}`);
  assert.ok(Math.abs(b - 0.8951) < 2e-3, `b ${b}`);
  // Larger min_dist flattens the curve near 0: smaller a, larger b.
  const wide = findAbParams(1, 0.5);
  assert.ok(wide.a < a && wide.b > b);
});

test('symmetric eigen-decomposition reconstructs the matrix', () => {
  const m = 7, rng = createRng(4);
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) a[i * m + j] = a[j * m + i] = rng.gaussian();
  const { values, vectors } = symmetricEigen(a, m);
  for (let i = 1; i < m; i++) assert.ok(values[i] <= values[i - 1]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < m; t++) s += vectors[t * m + i] * values[t] * vectors[t * m + j];
      assert.ok(Math.abs(s - a[i * m + j]) < 1e-10);
    }
  }
});

test('Lanczos finds the top eigenpairs of a diagonal operator, deflated vectors excluded', () => {
  const n = 300;
  const diag = Float64Array.from({ length: n }, (_, i) => 1 - i / n);
  const apply = (x: Float64Array, y: Float64Array): void => {
    for (let i = 0; i < n; i++) y[i] = diag[i] * x[i];
  };
  const e0 = new Float64Array(n);
  e0[0] = 1;
  const { values, vectors } = lanczosTopEigen(apply, n, 3, { steps: 120, rng: createRng(5), deflate: [e0] });
  for (let r = 0; r < 3; r++) {
    assert.ok(Math.abs(values[r] - diag[r + 1]) < 1e-4, `value ${r}: ${values[r]}`);
    assert.ok(Math.abs(Math.abs(vectors[r * n + r + 1]) - 1) < 1e-2, `vector ${r}`);
  }
});
