import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDeath, clusterStability, condenseTree } from '../../../core/hdbscan/condensed-tree.js';
import { labelPoints, selectClusters } from '../../../core/hdbscan/select-clusters.js';
import { singleLinkage } from '../../../core/hdbscan/single-linkage.js';
import { handTree } from '../../support/hand-spanning-tree.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

test('condensed tree: clusters, fall-out lambdas and stabilities as computed by hand', () => {
  const tree = condenseTree(singleLinkage(handTree(), 11), 3);
  assert.equal(tree.clusterCount, 5);
  assert.deepEqual(Array.from(tree.clusterParent), [-1, 0, 0, 2, 2]);
  assert.deepEqual(Array.from(tree.clusterSize), [11, 4, 7, 3, 3]);
  assert.ok(close(tree.clusterBirth[1], 0.1) && close(tree.clusterBirth[3], 1 / 1.2));
  assert.deepEqual(Array.from(tree.pointParent), [1, 1, 1, 1, 3, 3, 3, 4, 4, 4, 2]);
  for (let i = 0; i < 10; i++) assert.equal(tree.pointLambda[i], 1);
  assert.ok(close(tree.pointLambda[10], 0.2));
  const stability = clusterStability(tree);
  for (const [c, want] of [[1, 3.6], [2, 4.5], [3, 0.5], [4, 0.5]]) assert.ok(close(stability[c], want), `stability ${c}`);
  assert.ok(close(clusterDeath(tree)[2], 1 / 1.2));
});

test('zero-distance merges (duplicates) give infinite lambdas and probability 1', () => {
  const t = handTree();
  for (const e of [0, 1, 2]) t.weight[e] = 0;
  const tree = condenseTree(singleLinkage(t, 11), 3);
  for (let i = 0; i < 4; i++) assert.equal(tree.pointLambda[i], Infinity);
  const { labels, probabilities } = labelPoints(tree, selectClusters(tree, 'eom'));
  for (let i = 0; i < 4; i++) {
    assert.equal(labels[i], 0);
    assert.equal(probabilities[i], 1);
  }
});
