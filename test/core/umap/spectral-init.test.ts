import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnionFind } from '../../../core/hdbscan/union-find.js';
import type { FuzzyGraph } from '../../../core/umap/fuzzy-simplicial-set.js';
import { connectedComponents, spectralInit } from '../../../core/umap/spectral-init.js';
import { createRng } from '../../../core/util/random.js';

/** A symmetric CSR graph from undirected weighted edges. */
function graphOf(n: number, edges: [number, number, number][]): FuzzyGraph {
  const rows: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [a, b, w] of edges) {
    rows[a].push([b, w]);
    rows[b].push([a, w]);
  }
  rows.forEach((r) => r.sort((x, y) => x[0] - y[0]));
  const indptr = new Int32Array(n + 1);
  rows.forEach((r, i) => (indptr[i + 1] = indptr[i] + r.length));
  return { n, indptr, indices: Int32Array.from(rows.flat(), (e) => e[0]), weights: Float32Array.from(rows.flat(), (e) => e[1]) };
}

/** Rings of `size` vertices each, vertex ids consecutive per ring. */
function rings(count: number, size: number): FuzzyGraph {
  const edges: [number, number, number][] = [];
  for (let c = 0; c < count; c++) for (let i = 0; i < size; i++) edges.push([c * size + i, c * size + ((i + 1) % size), 1]);
  return graphOf(count * size, edges);
}

const column = (layout: Float32Array, d: number, t: number, from: number, to: number) => Array.from({ length: to - from }, (_, i) => layout[(from + i) * d + t]);

test('connectedComponents labels vertices as a union-find over the edges does, numbered in order of first vertex', () => {
  const rng = createRng(3);
  const n = 200;
  const edges: [number, number, number][] = Array.from({ length: 120 }, () => [rng.int(n), rng.int(n), 1]);
  const { count, labels } = connectedComponents(graphOf(n, edges.filter(([a, b]) => a !== b)));
  const uf = new UnionFind(n);
  for (const [a, b] of edges) uf.union(a, b);
  assert.equal(count, new Set(Array.from({ length: n }, (_, i) => uf.find(i))).size);
  let next = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j += 13) assert.equal(labels[i] === labels[j], uf.find(i) === uf.find(j));
    if (labels[i] === next) next++;
    else assert.ok(labels[i] < next, 'a new label only at the first vertex of its component');
  }
});

test('two cliques joined by one weak edge split along the first axis (the Fiedler vector’s signs), every column spanning [0, 10]', () => {
  const size = 20, n = 2 * size;
  const edges: [number, number, number][] = [[size - 1, size, 0.05]];
  for (const base of [0, size]) for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) edges.push([base + i, base + j, 1]);
  const [two, three] = spectralInit(graphOf(n, edges), [2, 3], new Float32Array(0), 0, { rng: createRng(1) });
  assert.equal(two.length, n * 2);
  assert.equal(three.length, n * 3);
  for (const [layout, d] of [[two, 2], [three, 3]] as const) {
    for (let t = 0; t < d; t++) {
      const c = column(layout, d, t, 0, n);
      assert.ok(Math.abs(Math.min(...c)) < 1e-3 && Math.abs(Math.max(...c) - 10) < 1e-3, `column ${t} of ${d}-d`);
    }
    const a = column(layout, d, 0, 0, size), b = column(layout, d, 0, size, n);
    assert.ok(Math.max(...a) < Math.min(...b) || Math.max(...b) < Math.min(...a), `${d}-d: the cliques overlap on the first axis`);
  }
});

test('two components are laid out side by side on the first axis, without overlap', () => {
  const size = 30;
  const [layout] = spectralInit(rings(2, size), [2], new Float32Array(0), 0, { rng: createRng(2) });
  const a = column(layout, 2, 0, 0, size), b = column(layout, 2, 0, size, 2 * size);
  const separated = Math.max(...a) <= Math.min(...b) + 1e-2 || Math.max(...b) <= Math.min(...a) + 1e-2;
  assert.ok(separated, `x ranges [${Math.min(...a)}, ${Math.max(...a)}] and [${Math.min(...b)}, ${Math.max(...b)}]`);
});

test('more components than 2d are placed by the principal components of their data centroids: order along a line is kept', () => {
  const count = 6, size = 12, dataDim = 3;
  const graph = rings(count, size);
  // Component c's data sit around (4c, 0, 0) with a little spread off the line.
  const rng = createRng(4);
  const data = Float32Array.from({ length: count * size * dataDim }, (_, t) => {
    const [i, j] = [Math.floor(t / dataDim), t % dataDim];
    return (j === 0 ? 4 * Math.floor(i / size) : 0) + 0.1 * rng.gaussian();
  });
  const [layout] = spectralInit(graph, [2], data, dataDim, { rng: createRng(5) });
  assert.ok(layout.every((v) => Number.isFinite(v) && v >= -1e-3 && v <= 10 + 1e-3));
  const meanX = Array.from({ length: count }, (_, c) => column(layout, 2, 0, c * size, (c + 1) * size).reduce((s, v) => s + v, 0) / size);
  const rising = meanX.every((v, c) => c === 0 || v > meanX[c - 1]);
  const falling = meanX.every((v, c) => c === 0 || v < meanX[c - 1]);
  assert.ok(rising || falling, `component means ${meanX.map((v) => v.toFixed(2))}`);
});
