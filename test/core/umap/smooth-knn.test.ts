import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothKnnDistances } from '../../../core/umap/smooth-knn.js';
import { randomNeighbors } from '../../support/random-neighbors.js';

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
