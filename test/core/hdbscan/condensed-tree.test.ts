import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDeath, clusterStability, condenseTree } from '../../../core/hdbscan/condensed-tree.js';
import type { SpanningTree } from '../../../core/hdbscan/mutual-reachability-mst.js';
import { labelPoints, selectClusters } from '../../../core/hdbscan/select-clusters.js';
import { singleLinkage } from '../../../core/hdbscan/single-linkage.js';

/**
 * A hand-made spanning tree over 11 points (weights are distances, lambda = 1 / distance):
 *   A  = 0–1–2–3, edges of 1;
 *   B1 = 4–5–6 and B2 = 7–8–9, edges of 1, joined by 6–7 at 1.2 into B;
 *   point 10 hangs off 9 at 5 (it leaves B at lambda 0.2);
 *   A and B ∪ {10} are joined by 3–4 at 10 (lambda 0.1).
 * With min_cluster_size 3 the condensed tree is: root → A (cluster 1), B' (cluster 2) at 0.1;
 * B' loses point 10 at 0.2 and splits into B1 (3) and B2 (4) at 1/1.2; all other points fall out
 * at lambda 1. Stabilities: A 4·0.9 = 3.6; B' 0.1 + 6·(1/1.2 − 0.1) = 4.5; B1, B2 3·(1 − 1/1.2) = 0.5.
 */
function handTree(): SpanningTree {
  const edges: [number, number, number][] = [
    [0, 1, 1], [1, 2, 1], [2, 3, 1],
    [4, 5, 1], [5, 6, 1], [7, 8, 1], [8, 9, 1], [6, 7, 1.2],
    [9, 10, 5],
    [3, 4, 10],
  ];
  return {
    from: Int32Array.from(edges, (e) => e[0]),
    to: Int32Array.from(edges, (e) => e[1]),
    weight: Float64Array.from(edges, (e) => e[2]),
  };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

test('single linkage merges in order of distance in scipy layout', () => {
  const linkage = singleLinkage(handTree(), 11);
  assert.deepEqual(Array.from(linkage.distance), [1, 1, 1, 1, 1, 1, 1, 1.2, 5, 10]);
  assert.deepEqual(Array.from(linkage.size), [2, 3, 4, 2, 3, 2, 3, 6, 7, 11]);
  // The last row joins A (row 2 → id 13) with B ∪ {10} (row 8 → id 19).
  assert.deepEqual([linkage.left[9], linkage.right[9]], [13, 19]);
});

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
