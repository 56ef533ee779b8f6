import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnMeans, errorBound, maxOf, Prepared, roundingErrors, squaredNorms } from '../../../core/umap/knn-rows.js';
import { createRng } from '../../../core/util/random.js';

const n = 40, dim = 7;
const rng = createRng(8);
const x = Float32Array.from({ length: n * dim }, () => rng.gaussian() * 3 + 1);
x.fill(0, 5 * dim, 6 * dim); // row 5 is all zeros

const dot = (a: Float32Array, i: number, b: Float32Array, j: number) => {
  let s = 0;
  for (let t = 0; t < dim; t++) s += a[i * dim + t] * b[j * dim + t];
  return s;
};

test('cosine rows are unit vectors (a zero row stays zero), so their product is the cosine similarity', () => {
  const p = new Prepared('cosine', x, dim, null);
  assert.equal(p.half, null);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(p.norms[i] - (i === 5 ? 0 : 1)) < 1e-12);
    if (i === 5) continue;
    for (const j of [0, 13, 39]) {
      const cos = dot(x, i, x, j) / Math.sqrt(dot(x, i, x, i) * dot(x, j, x, j));
      assert.ok(Math.abs(dot(p.rows, i, p.rows, j) - cos) < 1e-5);
    }
  }
  assert.equal(p.maxNorm, 1);
  assert.equal(p.maxAbs, Math.max(...p.rows.map(Math.abs)));
});

test('euclidean rows centred on the mean score u_a·u_b − ½‖u_a‖² − ½‖u_b‖² = −½‖a − b‖²', () => {
  const mean = columnMeans(x, dim);
  for (let j = 0; j < dim; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i * dim + j];
    assert.ok(Math.abs(mean[j] - s / n) < 1e-12);
  }
  const p = new Prepared('euclidean', x, dim, mean);
  for (let a = 0; a < n; a += 3) {
    for (let b = 1; b < n; b += 7) {
      const score = dot(p.rows, a, p.rows, b) - p.half![a] - p.half![b];
      const d2 = dot(x, a, x, a) + dot(x, b, x, b) - 2 * dot(x, a, x, b);
      assert.ok(Math.abs(score + d2 / 2) < 1e-3 * (1 + d2), `rows ${a}, ${b}`);
    }
    assert.ok(Math.abs(p.norms[a] ** 2 / 2 - p.half![a]) < 1e-4 * (1 + p.half![a]));
  }
  assert.equal(p.maxNorm, maxOf(p.norms));
});

test('roundingErrors equal ‖x − dequantise(quantise(x))‖ per row; a component at a rounding tie counts half a step', () => {
  const step = 0.05, zero = 3, lo = -128, hi = 127;
  const rows = Float32Array.from({ length: 10 * dim }, (_, i) => Math.sin(i * 1.7) * 8);
  const errs = roundingErrors(rows, 2, 9, dim, step, zero, lo, hi);
  assert.equal(errs.length, 7);
  for (let i = 2; i < 9; i++) {
    let ss = 0;
    for (let t = 0; t < dim; t++) {
      const v = rows[i * dim + t];
      const q = Math.min(hi, Math.max(lo, Math.round(v / step) + zero));
      ss += (v - (q - zero) * step) ** 2;
    }
    assert.ok(Math.abs(errs[i - 2] - Math.sqrt(ss)) < 1e-5, `row ${i}`);
  }
  // Saturation: a value beyond hi·step is clamped, its error is the overshoot.
  assert.ok(Math.abs(roundingErrors(Float32Array.of(10), 0, 1, 1, 0.05, 0, -128, 127)[0] - (10 - 127 * 0.05)) < 1e-6);
  assert.equal(roundingErrors(Float32Array.of(0.125), 0, 1, 1, 0.25, 0, -128, 127)[0], 0.125);
});

test('errorBound covers |â·b̂ − a·b| for int8-quantised random rows', () => {
  const p = new Prepared('cosine', x, dim, null);
  const step = p.maxAbs / 127;
  const quant = p.rows.map((v) => Math.min(127, Math.max(-128, Math.round(v / step))) * step);
  const errs = roundingErrors(p.rows, 0, n, dim, step, 0, -128, 127);
  const maxErr = maxOf(errs);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const diff = Math.abs(dot(quant, a, quant, b) - dot(p.rows, a, p.rows, b));
      assert.ok(diff <= errorBound(p.norms[a], errs[a], p.maxNorm, maxErr), `rows ${a}, ${b}`);
    }
  }
});

test('squaredNorms are the original rows’ for cosine and absent for euclidean; maxOf of nothing is 0', () => {
  const sq = squaredNorms('cosine', x, dim)!;
  for (let i = 0; i < n; i++) assert.ok(Math.abs(sq[i] - dot(x, i, x, i)) < 1e-9 * (1 + sq[i]));
  assert.equal(squaredNorms('euclidean', x, dim), null);
  assert.equal(maxOf(new Float64Array(0)), 0);
  assert.equal(maxOf(Float64Array.of(0.5, 3, 2)), 3);
});
