import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnionFind } from '../../../core/hdbscan/union-find.js';
import { createRng } from '../../../core/util/random.js';

test('union joins two sets once, returns the root of the larger, and sums the sizes', () => {
  const uf = new UnionFind(5);
  const r01 = uf.union(0, 1);
  assert.ok(r01 === 0 || r01 === 1);
  assert.equal(uf.size[r01], 2);
  // {0,1} is larger than {2}: its root stays the root.
  assert.equal(uf.union(2, 0), r01);
  assert.equal(uf.size[r01], 3);
  assert.equal(uf.union(1, 2), -1, 'already one set');
  assert.equal(uf.find(2), uf.find(0));
  assert.notEqual(uf.find(3), uf.find(0));
  assert.equal(uf.find(4), 4);
});

test('random unions agree with a naive component labelling, and each root’s size counts its members', () => {
  const n = 500;
  const rng = createRng(11);
  const uf = new UnionFind(n);
  const component = Int32Array.from({ length: n }, (_, i) => i);
  for (let step = 0; step < 350; step++) {
    const a = rng.int(n), b = rng.int(n);
    const [ca, cb] = [component[a], component[b]];
    const root = uf.union(a, b);
    assert.equal(root === -1, ca === cb, `step ${step}`);
    if (ca !== cb) for (let i = 0; i < n; i++) if (component[i] === cb) component[i] = ca;
  }
  const members = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < Math.min(n, i + 40); j++) assert.equal(uf.find(i) === uf.find(j), component[i] === component[j]);
    members.set(uf.find(i), (members.get(uf.find(i)) ?? 0) + 1);
  }
  for (const [root, count] of members) assert.equal(uf.size[root], count);
});
