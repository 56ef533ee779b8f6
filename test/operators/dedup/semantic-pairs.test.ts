import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hasSemanticPairs, pairsCover, readSemanticPairs, writeSemanticPairs, type ClusterPairs } from '../../../operators/dedup/semantic-pairs.js';
import { selectFromPairs } from '../../../core/dedup/semdedup-pairs.js';
import { DEDUP_PAIRS, FILES } from '../../../schemas/tables.js';
import { tempDir } from '../../support/paths.js';

const identity = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

test('stored pairs come back cluster by cluster under their key, select as before, and cover only the ids they were stored for', () => {
  const out = tempDir('semantic-pairs');
  const key = { keep: 'nearest', seed: null, bound: 0.1, infer: ['k', 't'] };
  const clusters: ClusterPairs[] = [
    // b duplicates a (0.97); c is nearest b (0.95), which goes, so c stays until ε reaches a at 0.92.
    { cluster: 3, ids: ['a', 'b', 'c'], pairs: { order: identity(3), start: Int32Array.of(0, 0, 1, 3), earlier: Int32Array.of(0, 0, 1), similarity: Float32Array.of(0.97, 0.92, 0.95) } },
    { cluster: 0, ids: ['x'], pairs: { order: identity(1), start: Int32Array.of(0, 0), earlier: new Int32Array(0), similarity: new Float32Array(0) } },
  ];
  writeSemanticPairs(out, key, clusters);
  const back = readSemanticPairs(out, key)!;
  assert.deepEqual(back.map((c) => [c.cluster, c.ids]), [[3, ['a', 'b', 'c']], [0, ['x']]]);
  assert.deepEqual([...back[0].pairs.start], [0, 0, 1, 3]);
  assert.deepEqual([...back[0].pairs.earlier], [0, 0, 1]);
  const at = (eps: number) => Array.from(selectFromPairs(back[0].pairs, eps, 0.9).kept);
  assert.deepEqual(at(0.04), [1, 0, 1]);
  assert.deepEqual(at(0.09), [1, 0, 0]);
  assert.deepEqual(at(0.01), [1, 1, 1]);

  assert.equal(readSemanticPairs(out, { ...key, bound: 0.2 }), null, 'another bound');
  assert.ok(pairsCover(back, new Map([['a', 3], ['b', 3], ['c', 3], ['x', 0]])));
  assert.equal(pairsCover(back, new Map([['a', 3], ['b', 3], ['c', 3]])), false, 'fewer ids');
  assert.equal(pairsCover(back, new Map([['a', 3], ['b', 3], ['c', 0], ['x', 0]])), false, 'another cluster');
  assert.equal(pairsCover(back, new Map([['a', 3], ['b', 3], ['c', 3], ['x', 0], ['y', 0]])), false, 'more ids');
  // A key without its table claims nothing.
  fs.rmSync(path.join(out, DEDUP_PAIRS.path));
  assert.ok(fs.existsSync(path.join(out, FILES.dedupPairsKey)));
  assert.equal(hasSemanticPairs(out, key), false);
});
