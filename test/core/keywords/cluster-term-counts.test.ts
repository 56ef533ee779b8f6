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

test('cluster term counts: entries list every pair once with its count, and adding them with their counts into another table merges exactly', () => {
  const rng = createRng(11);
  const halves = [new ClusterTermCounts(100_000), new ClusterTermCounts(100_000)];
  const whole = new ClusterTermCounts(100_000);
  for (let i = 0; i < 20_000; i++) {
    const term = Math.min(999, Math.floor(1 / (rng.next() + 1e-3)));
    const cluster = Math.floor(rng.next() * 13);
    halves[i % 2].add(term, cluster);
    whole.add(term, cluster);
  }
  const merged = new ClusterTermCounts(100_000);
  for (const half of halves) {
    const e = half.entries();
    assert.equal(e.term.length, half.pairs);
    assert.equal(e.count.reduce((a, b) => a + b, 0), 10_000, 'every occurrence of the half, once');
    for (let i = 0; i < e.term.length; i++) assert.ok(merged.add(e.term[i], e.cluster[i], e.count[i]));
  }
  assert.equal(merged.pairs, whole.pairs);
  const column = Int32Array.from({ length: 1000 }, (_, t) => t);
  assert.deepEqual(merged.dense(13, column, 1000), whole.dense(13, column, 1000));
  for (let t = 0; t < 1000; t++) assert.equal(merged.total(t), whole.total(t), `term ${t}`);
});
