import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzySimplicialSet, membershipStrengths } from '../../../core/umap/fuzzy-simplicial-set.js';
import { smoothKnnDistances } from '../../../core/umap/smooth-knn.js';
import { randomNeighbors } from '../../support/random-neighbors.js';

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
