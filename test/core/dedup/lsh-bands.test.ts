import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidateProbability, lshBands } from '../../../core/dedup/lsh-bands.js';

/** The error area of (b, r) by the trapezoid rule on a fine grid: an independent integration. */
function errorArea(t: number, b: number, r: number, w = 0.5): number {
  const steps = 4000;
  let area = 0;
  for (let i = 0; i < steps; i++) {
    const s = (i + 0.5) / steps;
    const p = candidateProbability(s, b, r);
    area += (s < t ? (1 - w) * p : w * (1 - p)) / steps;
  }
  return area;
}

test('lshBands picks the (b, r) with the least false positive + false negative area', () => {
  for (const [t, P] of [[0.8, 128], [0.5, 64], [0.9, 256], [0.7, 32]] as const) {
    const { bands, rows } = lshBands(t, P);
    assert.ok(bands * rows <= P);
    const chosen = errorArea(t, bands, rows);
    for (let b = 1; b <= P; b++) for (let r = 1; b * r <= P; r++) assert.ok(chosen <= errorArea(t, b, r) + 1e-4, `t = ${t}: (${bands}, ${rows}) vs (${b}, ${r})`);
    // The S-curve's steepest point (1/b)^(1/r) lies near the threshold.
    assert.ok(Math.abs((1 / bands) ** (1 / rows) - t) < 0.1, `t = ${t}: (${bands}, ${rows})`);
  }
});

test('a higher threshold takes more rows per band', () => {
  const lo = lshBands(0.5, 128);
  const hi = lshBands(0.9, 128);
  assert.ok(hi.rows > lo.rows, `${JSON.stringify(lo)} ${JSON.stringify(hi)}`);
  assert.throws(() => lshBands(1, 128), /threshold/);
});

test('weighing false negatives more finds pairs at the threshold more often, still with the least weighted error', () => {
  const even = lshBands(0.8, 128);
  const recall = lshBands(0.8, 128, 0.9);
  assert.ok(candidateProbability(0.8, recall.bands, recall.rows) > candidateProbability(0.8, even.bands, even.rows) + 0.3);
  const chosen = errorArea(0.8, recall.bands, recall.rows, 0.9);
  for (let b = 1; b <= 128; b++) for (let r = 1; b * r <= 128; r++) assert.ok(chosen <= errorArea(0.8, b, r, 0.9) + 1e-4, `(${b}, ${r})`);
});
