/**
 * Issue 8 item 15: merges at one distance are one multi-way split, so HDBSCAN does not depend on
 * the order of tied spanning-tree edges. Before the fix the binary walk gave ARI 0.556 against the
 * `hdbscan` package on the fixture below (a 5-point cluster no distance level contains), and the
 * hand-made star gave a cluster that exists at no distance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { adjustedRandIndex } from '../../../core/metrics/cluster-metrics.js';
import { createRng } from '../../../core/util/random.js';
import { condenseTree } from '../../../core/hdbscan/condensed-tree.js';
import { fitHdbscan } from '../../../core/hdbscan/fit-hdbscan.js';
import type { SpanningTree } from '../../../core/hdbscan/mutual-reachability-mst.js';
import { labelPoints, selectClusters } from '../../../core/hdbscan/select-clusters.js';
import { singleLinkage } from '../../../core/hdbscan/single-linkage.js';
import { REPO } from '../../support/paths.js';

/**
 * numpy.random.seed(0); rand(150, 2) as float32, with the labels the `hdbscan` package (release
 * 0.8.40, all five of its algorithms agreeing) gives for min_cluster_size 5 and
 * cluster_selection_epsilon 0.2: a peer result, made by test/fixtures/hdbscan-ties.py, not a guess.
 */
const fixture = JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/hdbscan-ties.json'), 'utf8')) as {
  n: number;
  d: number;
  min_cluster_size: number;
  cluster_selection_epsilon: number;
  data: number[];
  labels: number[];
};

test('uniform 150 × 2 with many tied mutual-reachability edges: the hdbscan package’s partition, ARI 1.0', async () => {
  const fit = await fitHdbscan(Float32Array.from(fixture.data), fixture.n, fixture.d, {
    minClusterSize: fixture.min_cluster_size,
    clusterSelectionEpsilon: fixture.cluster_selection_epsilon,
    threads: 1,
  });
  assert.equal(adjustedRandIndex(fit.labels, Int32Array.from(fixture.labels)), 1);
  // The same noise points, not just the same grouping.
  assert.deepEqual(Array.from(fit.labels, (l) => l < 0), fixture.labels.map((l) => l < 0));
});

/** Labels for a spanning tree whose edges are offered to single linkage in the given order. */
function labelsFor(mst: SpanningTree, order: number[], n: number, minClusterSize: number, epsilon: number): Int32Array {
  const reordered: SpanningTree = {
    from: Int32Array.from(order, (e) => mst.from[e]),
    to: Int32Array.from(order, (e) => mst.to[e]),
    weight: Float64Array.from(order, (e) => mst.weight[e]),
  };
  const tree = condenseTree(singleLinkage(reordered, n), minClusterSize);
  return labelPoints(tree, selectClusters(tree, 'eom', epsilon)).labels;
}

test('on a grid, where most edges tie, every order of the spanning-tree edges gives the same partition', () => {
  // A 12 × 12 unit grid with three 3 × 3 holes: the plain spanning tree (all weights 1 inside
  // rows and columns) plus longer joins, so ties decide nearly everything.
  const side = 12;
  const edges: [number, number, number][] = [];
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const i = y * side + x;
      if (x + 1 < side) edges.push([i, i + 1, (y % 4 === 3 ? 2 : 1)]);
      else if (y + 1 < side) edges.push([i, i + side, x % 5 === 0 ? 3 : 2]);
    }
  }
  const n = side * side;
  assert.equal(edges.length, n - 1);
  const mst: SpanningTree = {
    from: Int32Array.from(edges, (e) => e[0]),
    to: Int32Array.from(edges, (e) => e[1]),
    weight: Float64Array.from(edges, (e) => e[2]),
  };
  const identity = edges.map((_, i) => i);
  const first = labelsFor(mst, identity, n, 5, 0);
  const rng = createRng(3);
  for (let trial = 0; trial < 20; trial++) {
    const order = identity.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    assert.equal(adjustedRandIndex(labelsFor(mst, order, n, 5, 0), first), 1, `trial ${trial}`);
  }
});

test('three triangles joined at one distance split three ways at once, whichever join is linked first', () => {
  // A = 0–1–2, B = 3–4–5, C = 6–7–8 (edges of 1); A–B and B–C both at 2. min_cluster_size 3.
  const inside: [number, number, number][] = [[0, 1, 1], [1, 2, 1], [3, 4, 1], [4, 5, 1], [6, 7, 1], [7, 8, 1]];
  for (const joins of [[[2, 3, 2], [5, 6, 2]], [[5, 6, 2], [2, 3, 2]]] as [number, number, number][][]) {
    const edges = [...inside, ...joins];
    const tree = condenseTree(
      singleLinkage({ from: Int32Array.from(edges, (e) => e[0]), to: Int32Array.from(edges, (e) => e[1]), weight: Float64Array.from(edges, (e) => e[2]) }, 9),
      3,
    );
    // Root plus A, B, C, all born at lambda 1/2 from the root: no two-triangle cluster of zero life.
    assert.deepEqual(Array.from(tree.clusterParent), [-1, 0, 0, 0]);
    assert.deepEqual(Array.from(tree.clusterBirth), [0, 0.5, 0.5, 0.5]);
    assert.deepEqual(Array.from(tree.clusterSize), [9, 3, 3, 3]);
    const { labels } = labelPoints(tree, selectClusters(tree, 'eom'));
    assert.equal(adjustedRandIndex(labels, Int32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2)), 1);
  }
});

test('a point that bridges two clusters at their splitting distance joins the larger, in either edge order', () => {
  // A = 0..3 (4 points), B = 5..10 (6 points), both chains of 1; point 4 joins A and B at 2.
  const inside: [number, number, number][] = [[0, 1, 1], [1, 2, 1], [2, 3, 1], [5, 6, 1], [6, 7, 1], [7, 8, 1], [8, 9, 1], [9, 10, 1]];
  for (const joins of [[[3, 4, 2], [4, 5, 2]], [[4, 5, 2], [3, 4, 2]]] as [number, number, number][][]) {
    const edges = [...inside, ...joins];
    const tree = condenseTree(
      singleLinkage({ from: Int32Array.from(edges, (e) => e[0]), to: Int32Array.from(edges, (e) => e[1]), weight: Float64Array.from(edges, (e) => e[2]) }, 11),
      4,
    );
    assert.deepEqual(Array.from(tree.clusterSize), [11, 4, 7]);
    // Point 4 falls out of B's cluster at B's birth.
    assert.equal(tree.pointParent[4], 2);
    assert.equal(tree.pointLambda[4], 0.5);
  }
});
