import { test } from 'node:test';
import assert from 'node:assert/strict';
import { condenseTree } from '../../../core/hdbscan/condensed-tree.js';
import { labelPoints, selectClusters } from '../../../core/hdbscan/select-clusters.js';
import { singleLinkage } from '../../../core/hdbscan/single-linkage.js';
import { handTree } from '../../support/hand-spanning-tree.js';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

test('excess of mass keeps B whole (4.5 > 0.5 + 0.5); point 10 is its member with probability 0.2 / (1/1.2)', () => {
  const tree = condenseTree(singleLinkage(handTree(), 11), 3);
  const { labels, probabilities } = labelPoints(tree, selectClusters(tree, 'eom'));
  assert.deepEqual(Array.from(labels), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  assert.ok(close(probabilities[10], 0.2 * 1.2));
  for (let i = 0; i < 10; i++) assert.equal(probabilities[i], 1);
});

test('leaf selection takes A, B1, B2 and leaves point 10 (which fell out of B) as noise', () => {
  const tree = condenseTree(singleLinkage(handTree(), 11), 3);
  const selection = selectClusters(tree, 'leaf');
  assert.equal(selection.labelCount, 3);
  const { labels, probabilities } = labelPoints(tree, selection);
  assert.deepEqual(Array.from(labels), [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, -1]);
  assert.equal(probabilities[10], 0);
});

test('cluster_selection_epsilon merges clusters born below it into their ancestor, never into the root', () => {
  const tree = condenseTree(singleLinkage(handTree(), 11), 3);
  // B1 and B2 are born at distance 1.2: an epsilon above that merges them back into B.
  assert.deepEqual(Array.from(labelPoints(tree, selectClusters(tree, 'leaf', 1.5)).labels), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  // Below 1.2 nothing changes.
  assert.deepEqual(Array.from(labelPoints(tree, selectClusters(tree, 'leaf', 1.1)).labels), [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, -1]);
  // A and B are born at 10; a larger epsilon would climb to the root, which is never selected.
  const wide = selectClusters(tree, 'eom', 50);
  assert.equal(wide.labelCount, 2);
  assert.deepEqual(Array.from(labelPoints(tree, wide).labels), [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
});

test('eom prefers the children when their summed stability is larger', () => {
  // Same shape, but B splits at distance 8 and point 10 leaves at 9:
  // B' = (1/9 − 0.1) + 6·(0.125 − 0.1) ≈ 0.16 against B1 + B2 = 2 · 3·(1 − 0.125) = 5.25.
  const t = handTree();
  t.weight[7] = 8;
  t.weight[8] = 9;
  const tree = condenseTree(singleLinkage(t, 11), 3);
  const { labels } = labelPoints(tree, selectClusters(tree, 'eom'));
  assert.deepEqual(Array.from(labels), [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, -1]);
});

test('without any split into two clusters of min_cluster_size, everything is noise', () => {
  const tree = condenseTree(singleLinkage(handTree(), 11), 6);
  assert.equal(tree.clusterCount, 1);
  for (const method of ['eom', 'leaf'] as const) {
    const selection = selectClusters(tree, method);
    assert.equal(selection.labelCount, 0);
    assert.ok(labelPoints(tree, selection).labels.every((l) => l === -1));
  }
});
