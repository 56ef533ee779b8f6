import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketsOf, buildKdTree } from '../../../core/hdbscan/kd-tree.js';
import { blobs } from '../../support/noisy-blobs.js';

test('kd-tree: rows are a permutation, nodes nest, boxes contain their rows, splits separate children', () => {
  const n = 3000;
  const d = 7;
  const data = blobs(n, d, 1);
  const tree = buildKdTree(data, n, d, 16);
  assert.deepEqual(Array.from(tree.order).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) assert.equal(tree.points[i * d + j], data[tree.order[i] * d + j]);
  }
  for (let node = 0; node < tree.nodeCount; node++) {
    const s = tree.start[node];
    const e = tree.end[node];
    assert.ok(e > s);
    for (let t = s; t < e; t++) {
      for (let j = 0; j < d; j++) {
        const v = tree.points[t * d + j];
        assert.ok(v >= tree.lower[node * d + j] && v <= tree.upper[node * d + j]);
      }
    }
    if (tree.left[node] < 0) {
      assert.ok(e - s <= 16, `leaf of ${e - s} rows`);
      continue;
    }
    const l = tree.left[node];
    const r = tree.right[node];
    assert.equal(tree.start[l], s);
    assert.equal(tree.end[l], tree.start[r]);
    assert.equal(tree.end[r], e);
    const dim = tree.splitDim[node];
    for (let t = tree.start[l]; t < tree.end[l]; t++) assert.ok(tree.points[t * d + dim] < tree.splitValue[node]);
    for (let t = tree.start[r]; t < tree.end[r]; t++) assert.ok(tree.points[t * d + dim] >= tree.splitValue[node]);
  }
  const buckets = bucketsOf(tree, 100);
  let covered = 0;
  for (const b of buckets) {
    assert.equal(tree.start[b], covered, 'buckets tile the rows in tree order');
    covered = tree.end[b];
    assert.ok(tree.end[b] - tree.start[b] <= 100);
  }
  assert.equal(covered, n);
});

test('kd-tree: identical rows make one leaf instead of splitting forever', () => {
  const data = new Float32Array(200 * 3).fill(1.5);
  const tree = buildKdTree(data, 200, 3, 4);
  assert.equal(tree.nodeCount, 1);
  assert.equal(tree.end[0], 200);
});
