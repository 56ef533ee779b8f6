import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeptSimilarity } from '../../../core/kernels/kept-similarity.js';
import { PairSimilarity } from '../../../core/kernels/pair-similarity.js';
import { createRng } from '../../../core/util/random.js';
import { semDeDup, type DedupKeep } from '../../../core/dedup/semdedup.js';
import { selectFromPairs, semDeDupPairs } from '../../../core/dedup/semdedup-pairs.js';

/** Groups of near-copies at several spreads, so different ε remove different rows. */
function groupedRows(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const base = i - (i % 5);
    const spread = [0.02, 0.05, 0.1, 0.2][Math.floor(i / 5) % 4];
    for (let j = 0; j < d; j++) x[i * d + j] = i === base ? rng.gaussian() : x[base * d + j] + spread * rng.gaussian();
  }
  for (let i = 0; i < n; i++) {
    const norm = Math.hypot(...x.subarray(i * d, i * d + d));
    for (let j = 0; j < d; j++) x[i * d + j] /= norm;
  }
  return x;
}

test('selection over the stored pairs equals semDeDup at every ε up to the bound, for each keep order and block size', async () => {
  const n = 260, d = 16, bound = 0.05;
  const x = groupedRows(n, d, 11);
  const kept = await KeptSimilarity.create(d, 1);
  const pairKernel = await PairSimilarity.create(d, 1);
  try {
    for (const keep of ['nearest', 'farthest', 'random'] as DedupKeep[]) {
      for (const blockRows of [1, 37, 1024]) {
        const pairs = await semDeDupPairs(pairKernel, x, n, d, { keep, seed: 4, floor: 1 - bound, blockRows });
        const removedCounts = new Set<number>();
        for (const epsilon of [0.001, 0.005, 0.01, 0.02, 0.05]) {
          const full = await semDeDup(kept, x, n, d, { epsilon, keep, seed: 4 });
          const selected = selectFromPairs(pairs, epsilon, 1 - bound);
          assert.deepEqual(selected.kept, full.kept, `${keep}, b = ${blockRows}, ε = ${epsilon}`);
          for (let i = 0; i < n; i++) {
            if (full.kept[i]) {
              // A kept row's similarity is known down to the floor only.
              if (full.similarity[i] >= 1 - bound) assert.ok(Math.abs(selected.similarity[i] - full.similarity[i]) < 1e-6);
              else assert.equal(selected.similarity[i], -Infinity);
            } else {
              assert.equal(selected.nearestKept[i], full.nearestKept[i], `duplicate of row ${i}`);
              assert.ok(Math.abs(selected.similarity[i] - full.similarity[i]) < 1e-6);
            }
          }
          removedCounts.add(n - full.kept.reduce((a, b) => a + b, 0));
        }
        // The spreads make the ε matter: otherwise the comparison above proves little.
        assert.ok(removedCounts.size >= 3, `removed counts ${[...removedCounts]}`);
      }
    }
  } finally {
    await kept.close();
    await pairKernel.close();
  }
});

test('pairs are each earlier row at or above the floor, and an ε beyond the bound is refused', async () => {
  const n = 40, d = 8;
  const x = groupedRows(n, d, 2);
  const kernel = await PairSimilarity.create(d, 1);
  try {
    const pairs = await semDeDupPairs(kernel, x, n, d, { keep: 'nearest', seed: 0, floor: 0.9, blockRows: 6 });
    const v = pairs.order;
    let expected = 0;
    for (let r = 0; r < n; r++) {
      const got = Array.from(pairs.earlier.subarray(pairs.start[r], pairs.start[r + 1]));
      const want: number[] = [];
      for (let q = 0; q < r; q++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += x[v[r] * d + t] * x[v[q] * d + t];
        if (s >= 0.9 + 1e-5) want.push(q);
        else if (s >= 0.9 - 1e-5 && got.includes(q)) want.push(q);
      }
      assert.deepEqual(got, want, `rank ${r}`);
      expected += want.length;
    }
    assert.ok(expected > 0);
    assert.throws(() => selectFromPairs(pairs, 0.2, 0.9), /ε = 0.2 needs pairs down to 0.8/);
  } finally {
    await kernel.close();
  }
});
