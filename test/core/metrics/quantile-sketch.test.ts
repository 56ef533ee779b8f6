import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuantileSketch } from '../../../core/metrics/quantile-sketch.js';
import { createRng } from '../../../core/util/random.js';

test('QuantileSketch: every quantile within α of the exact lower-nearest-rank order statistic, the mean exact', () => {
  const rng = createRng(3);
  const n = 20_000;
  // Log-normal-ish values over four decades, with some exact zeros (a sampled row's own distance).
  const values = Float64Array.from({ length: n }, (_, i) => (i % 50 === 0 ? 0 : Math.exp(4 * rng.next() - 2) * rng.next()));
  const sketch = new QuantileSketch(0.01);
  values.forEach((v) => sketch.add(v));
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0, 0.01, 0.02, 0.1, 0.5, 0.9, 0.99, 1]) {
    const exact = sorted[Math.floor(q * (n - 1))];
    const got = sketch.quantile(q);
    assert.ok(Math.abs(got - exact) <= 0.01 * exact + 1e-15, `q=${q}: ${got} vs ${exact}`);
  }
  assert.equal(sketch.quantile(0), 0, 'the zeros are counted apart');
  assert.ok(Math.abs(sketch.mean() - values.reduce((a, b) => a + b, 0) / n) < 1e-12);
  assert.equal(sketch.count, n);
});

test('QuantileSketch by hand: values 1, 2, …, 5 give the median within 0.5% of 3', () => {
  const s = new QuantileSketch();
  [5, 1, 4, 2, 3].forEach((v) => s.add(v));
  assert.ok(Math.abs(s.quantile(0.5) - 3) <= 0.015, String(s.quantile(0.5)));
  assert.ok(Math.abs(s.quantile(1) - 5) <= 0.025, String(s.quantile(1)));
  assert.equal(s.mean(), 3);
});

test('QuantileSketch: empty gives NaN; negative, NaN and infinite values are refused', () => {
  const s = new QuantileSketch();
  assert.ok(Number.isNaN(s.quantile(0.5)) && Number.isNaN(s.mean()));
  assert.throws(() => s.add(-1), /finite values ≥ 0, got -1/);
  assert.throws(() => s.add(NaN), /got NaN/);
  assert.throws(() => s.add(Infinity), /got Infinity/);
  assert.throws(() => s.quantile(1.5), /q must be in \[0, 1\]/);
  assert.throws(() => new QuantileSketch(0), /alpha must be in \(0, 1\)/);
});
