import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  foldSif,
  principalComponents,
  removeComponents,
  sifWeights,
  zipfProbabilities,
} from '../../../core/embedding/sif-table.js';

/** Eigenvectors of a symmetric matrix by cyclic Jacobi rotations, sorted by eigenvalue, largest first. */
function jacobiEigen(a: number[][]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((r) => [...r]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (m[p][q] === 0) continue;
        const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k][p];
          const mkq = m[k][q];
          m[k][p] = c * mkp - s * mkq;
          m[k][q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p][k];
          const mqk = m[q][k];
          m[p][k] = c * mpk - s * mqk;
          m[q][k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y][y] - m[x][x]);
  return { values: order.map((i) => m[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}

function randomTable(rows: number, dims: number, seed: number): Float32Array {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  // A shared offset gives the table a dominant direction, as real word vectors have.
  const offset = Array.from({ length: dims }, () => next());
  return Float32Array.from({ length: rows * dims }, (_, i) => next() + 2 * offset[i % dims] * (1 + (i % 3)));
}

/** Gram matrix Σ (w_i x_i)(w_i x_i)ᵀ in plain arrays. */
function weightedGram(table: Float32Array, dims: number, w: ArrayLike<number>): number[][] {
  const g = Array.from({ length: dims }, () => new Array(dims).fill(0));
  for (let i = 0; i < table.length / dims; i++) {
    for (let j = 0; j < dims; j++) for (let k = 0; k < dims; k++) g[j][k] += w[i] ** 2 * table[i * dims + j] * table[i * dims + k];
  }
  return g;
}

test('Zipf probabilities and SIF weights follow the formulas', () => {
  const ranks = [1, 2, 5, 10, 1000];
  const h = 1 + 1 / 2 + 1 / 5 + 1 / 10 + 1 / 1000;
  const p = zipfProbabilities(ranks);
  const w = sifWeights(p, 1e-3);
  ranks.forEach((r, i) => {
    assert.ok(Math.abs(p[i] - 1 / r / h) < 1e-15);
    assert.ok(Math.abs(w[i] - 1e-3 / (1e-3 + 1 / r / h)) < 1e-7);
  });
  assert.ok(Math.abs(p.reduce((s, x) => s + x, 0) - 1) < 1e-12);
  assert.ok(w[4] > 0.5 && w[0] < 0.01, 'rare words keep their weight, frequent ones lose it');
});

test('principal components of weighted rows match a Jacobi eigendecomposition of the weighted Gram matrix', () => {
  const dims = 6;
  const table = randomTable(300, dims, 7);
  const rowWeights = Float64Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
  const expected = jacobiEigen(weightedGram(table, dims, rowWeights));
  const got = principalComponents(table, dims, 3, rowWeights);
  for (let c = 0; c < 3; c++) {
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += got[c * dims + j] * expected.vectors[c][j];
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-9, `component ${c}: |cos| = ${Math.abs(dot)}`);
  }
  // Unweighted, the first component is the top eigenvector of XᵀX.
  const plain = jacobiEigen(weightedGram(table, dims, new Float64Array(300).fill(1)));
  const first = principalComponents(table, dims, 1);
  const cos = first.reduce((s, x, j) => s + x * plain.vectors[0][j], 0);
  assert.ok(Math.abs(Math.abs(cos) - 1) < 1e-9);
});

test('removing components leaves every row orthogonal to them and changes nothing else', () => {
  const dims = 5;
  const table = randomTable(40, dims, 3);
  const before = Float32Array.from(table);
  const components = principalComponents(table, dims, 2);
  removeComponents(table, dims, components);
  for (let i = 0; i < 40; i++) {
    for (let c = 0; c < 2; c++) {
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += table[i * dims + j] * components[c * dims + j];
      assert.ok(Math.abs(dot) < 1e-5);
    }
    // The removed part lies in the span of the components.
    const removed = Array.from({ length: dims }, (_, j) => before[i * dims + j] - table[i * dims + j]);
    const inSpan = Array.from({ length: dims }, (_, j) => {
      let s = 0;
      for (let c = 0; c < 2; c++) {
        let dot = 0;
        for (let k = 0; k < dims; k++) dot += removed[k] * components[c * dims + k];
        s += dot * components[c * dims + j];
      }
      return s;
    });
    for (let j = 0; j < dims; j++) assert.ok(Math.abs(inSpan[j] - removed[j]) < 1e-5);
  }
});

test('foldSif equals scaling by SIF weights then projecting out the top components of the p-weighted rows', () => {
  const dims = 4;
  const rows = 50;
  const table = randomTable(rows, dims, 11);
  const ranks = Array.from({ length: rows }, (_, i) => 1 + i * 3);
  const h = ranks.reduce((s, r) => s + 1 / r, 0);
  const a = 1e-2;
  const scaled = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: dims }, (_, j) => table[i * dims + j] * (a / (a + 1 / ranks[i] / h))),
  );
  const p = ranks.map((r) => 1 / r / h);
  const top = jacobiEigen(weightedGram(Float32Array.from(scaled.flat()), dims, p)).vectors.slice(0, 2);
  const expected = scaled.map((row) => {
    const out = [...row];
    for (const u of top) {
      const dot = row.reduce((s, x, j) => s + x * u[j], 0);
      for (let j = 0; j < dims; j++) out[j] -= dot * u[j];
    }
    return out;
  });
  foldSif(table, dims, ranks, { a, components: 2 });
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dims; j++) assert.ok(Math.abs(table[i * dims + j] - expected[i][j]) < 1e-5, `row ${i}`);
  }
  assert.throws(() => foldSif(new Float32Array(8), dims, [1], { a, components: 1 }), /one rank per table row/);
});
