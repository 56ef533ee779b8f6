import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { BlockTopK } from '../../../core/hdbscan/block-top-k.js';
import { coreDistances } from '../../../core/hdbscan/core-distances.js';
import { buildKdTree } from '../../../core/hdbscan/kd-tree.js';
import { mutualReachabilityMst } from '../../../core/hdbscan/mutual-reachability-mst.js';
import { nearestNeighbors, type SearchBlocks } from '../../../core/hdbscan/nearest-neighbors.js';
import { UnionFind } from '../../../core/hdbscan/union-find.js';

function blobs(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = Array.from({ length: 5 }, () => Array.from({ length: d }, () => rng.next() * 30 - 15));
  const spreads = centres.map(() => 0.5 + 2 * rng.next());
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const noise = rng.next() < 0.05;
    const b = rng.int(centres.length);
    for (let j = 0; j < d; j++) x[i * d + j] = noise ? rng.next() * 50 - 25 : centres[b][j] + spreads[b] * rng.gaussian();
  }
  return x;
}

/** Integer points in a small cube, many repeated: distances and core distances tie everywhere. */
function grid(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * d }, () => rng.int(5));
}

/** Tight clumps (spread 1e-3) far from the origin among spread points: float32 expansions cannot rank inside them. */
function clumps(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = Array.from({ length: 6 }, () => Array.from({ length: d }, () => 100 + 30 * rng.next()));
  return Float32Array.from({ length: n * d }, (_, i) => {
    const row = Math.floor(i / d);
    return row % 3 === 0 ? 115 + 15 * rng.gaussian() : centres[row % 6][i % d] + 1e-3 * rng.gaussian();
  });
}

/** Independent reference: core distances by sorting all distances, then Prim on the dense mutual-reachability matrix. */
function bruteForceMst(data: Float32Array, n: number, d: number, minSamples: number) {
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (data[i * d + t] - data[j * d + t]) ** 2;
      dist[i * n + j] = Math.sqrt(s);
    }
  }
  const core = new Float64Array(n);
  for (let i = 0; i < n; i++) core[i] = Array.from(dist.subarray(i * n, i * n + n)).sort((a, b) => a - b)[minSamples];
  const inTree = new Uint8Array(n);
  const reach = new Float64Array(n).fill(Infinity);
  reach[0] = 0;
  let total = 0;
  for (let step = 0; step < n; step++) {
    let u = -1;
    for (let i = 0; i < n; i++) if (!inTree[i] && (u < 0 || reach[i] < reach[u])) u = i;
    inTree[u] = 1;
    total += reach[u];
    for (let v = 0; v < n; v++) {
      if (!inTree[v]) reach[v] = Math.min(reach[v], Math.max(core[u], core[v], dist[u * n + v]));
    }
  }
  return { core, total };
}

async function ourMst(data: Float32Array, n: number, d: number, minSamples: number, listSize: number, blocks?: SearchBlocks) {
  const tree = buildKdTree(data, n, d, 8);
  const kernel = await BlockTopK.create(d, 1);
  try {
    const neighbours = await nearestNeighbors(tree, kernel, data, n, listSize);
    const core = coreDistances(neighbours, minSamples);
    const mst = await mutualReachabilityMst(tree, kernel, core, neighbours, blocks);
    return { core, neighbours, mst };
  } finally {
    await kernel.close();
  }
}

function assertSpanningTree(from: Int32Array, to: Int32Array, n: number): void {
  assert.equal(from.length, n - 1);
  const uf = new UnionFind(n);
  for (let e = 0; e < n - 1; e++) assert.ok(uf.union(from[e], to[e]) >= 0, 'no cycles');
  assert.equal(uf.size[uf.find(0)], n, 'connected');
}

const SMALL: SearchBlocks = { bucketRows: 16, groupRows: 24, firstRows: 48, chunkRows: 96 };

for (const [name, make, d] of [
  ['Gaussian blobs with noise', blobs, 8],
  ['an integer grid full of ties and duplicates', grid, 3],
  ['tight clumps far from the origin', clumps, 6],
] as const) {
  test(`MST weight equals Prim on the dense mutual-reachability matrix: ${name}`, async () => {
    const n = 700;
    const minSamples = 5;
    const data = make(n, d, 11);
    const reference = bruteForceMst(data, n, d, minSamples);
    // Short lists leave most components to the exact search; long lists settle most of them.
    for (const [listSize, blocks] of [[minSamples + 1, SMALL], [minSamples + 1, undefined], [4 * minSamples, SMALL]] as const) {
      const { core, mst } = await ourMst(data, n, d, minSamples, listSize, blocks);
      for (let i = 0; i < n; i++) assert.ok(Math.abs(core[i] - reference.core[i]) < 1e-9, 'core distance');
      assertSpanningTree(mst.from, mst.to, n);
      let total = 0;
      for (let e = 0; e < n - 1; e++) {
        const a = mst.from[e];
        const b = mst.to[e];
        let s = 0;
        for (let t = 0; t < d; t++) s += (data[a * d + t] - data[b * d + t]) ** 2;
        assert.ok(Math.abs(mst.weight[e] - Math.max(core[a], core[b], Math.sqrt(s))) < 1e-9, 'edge weight is the mutual reachability');
        total += mst.weight[e];
      }
      assert.ok(Math.abs(total - reference.total) < 1e-7 * reference.total, `total ${total} vs ${reference.total} (lists of ${listSize})`);
    }
  });
}
