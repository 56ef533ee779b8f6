import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockTopK } from '../../../core/hdbscan/block-top-k.js';
import { coreDistances, predictionCoreDistances } from '../../../core/hdbscan/core-distances.js';
import { buildKdTree } from '../../../core/hdbscan/kd-tree.js';
import { nearestNeighbors } from '../../../core/hdbscan/nearest-neighbors.js';

test('core distances follow the package: fit counts min_samples other points, prediction data one fewer', async () => {
  // Points at 0, 1, 3, 6, 10 on a line: sorted distances from 0 are 0, 1, 3, 6, 10.
  const data = Float32Array.of(0, 1, 3, 6, 10);
  const tree = buildKdTree(data, 5, 1, 2);
  const kernel = await BlockTopK.create(1, 1);
  try {
    const neighbours = await nearestNeighbors(tree, kernel, data, 5, 4);
    assert.equal(coreDistances(neighbours, 2)[0], 3);
    assert.equal(predictionCoreDistances(neighbours, 2)[0], 1);
    assert.equal(coreDistances(neighbours, 3)[4], 9); // from 10: 0, 4, 7, 9
  } finally {
    await kernel.close();
  }
});
