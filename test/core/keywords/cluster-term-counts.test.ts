import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterTermCounts } from '../../../core/keywords/cluster-term-counts.js';
import { createRng } from '../../../core/util/random.js';

test('cluster term counts: every pair counted exactly through many regrowths; totals per term; dense keeps the chosen columns', () => {
  const rng = createRng(7);
  const clusters = 37;
  const table = new ClusterTermCounts(1_000_000);
  const exact = new Map<string, number>();
  const totals = new Map<number, number>();
  for (let i = 0; i < 60_000; i++) {
    // Zipf-like terms, so most pairs repeat and the table also holds thousands of singletons.
    const term = Math.min(4_999, Math.floor(1 / (rng.next() + 2e-4)));
    const cluster = Math.floor(rng.next() * clusters);
    assert.ok(table.add(term, cluster));
    exact.set(`${term},${cluster}`, (exact.get(`${term},${cluster}`) ?? 0) + 1);
    totals.set(term, (totals.get(term) ?? 0) + 1);
  }
  assert.equal(table.pairs, exact.size);
  for (const [term, n] of totals) assert.equal(table.total(term), n);
  assert.equal(table.total(1_000_000), 0);

  // Columns: the terms seen, in reverse order of id, every third left out.
  const seen = [...totals.keys()].sort((a, b) => b - a);
  const column = new Int32Array(5_000).fill(-1);
  let columns = 0;
  seen.forEach((term, i) => {
    if (i % 3 !== 2) column[term] = columns++;
  });
  const dense = table.dense(clusters, column, columns);
  assert.equal(dense.length, clusters * columns);
  let sum = 0;
  for (const [key, n] of exact) {
    const [term, cluster] = key.split(',').map(Number);
    if (column[term] >= 0) {
      assert.equal(dense[cluster * columns + column[term]], n, key);
      sum += n;
    }
  }
  assert.equal(dense.reduce((a, b) => a + b, 0), sum, 'nothing counted for a left-out term');
});

test('cluster term counts: a new pair past the budget is refused and not counted; known pairs still count', () => {
  const table = new ClusterTermCounts(2);
  assert.ok(table.add(0, 0));
  assert.ok(table.add(1, 0));
  assert.equal(table.add(0, 1), false);
  assert.equal(table.pairs, 2);
  assert.ok(table.add(0, 0));
  assert.equal(table.total(0), 2);
  assert.deepEqual([...table.dense(2, Int32Array.of(0, 1), 2)], [2, 1, 0, 0]);
  assert.throws(() => new ClusterTermCounts(0), /at least 1/);
});
