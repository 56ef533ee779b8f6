import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silhouetteScore } from '../../../core/metrics/silhouette.js';
import { createRng } from '../../../core/util/random.js';

/** The definition, pair by pair in double: the reference the tiled sums must match. */
function naiveSilhouette(x: Float32Array, n: number, d: number, labels: Int32Array): number {
  const dist = (i: number, j: number) => Math.hypot(...Array.from({ length: d }, (_, t) => x[i * d + t] - x[j * d + t]));
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const byCluster = new Map<number, number[]>();
    for (let j = 0; j < n; j++) if (j !== i) byCluster.set(labels[j], [...(byCluster.get(labels[j]) ?? []), dist(i, j)]);
    const own = byCluster.get(labels[i]);
    if (!own) continue;
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const a = mean(own);
    const b = Math.min(...[...byCluster].filter(([c]) => c !== labels[i]).map(([, v]) => mean(v)));
    sum += (b - a) / Math.max(a, b);
  }
  return sum / n;
}

test('silhouette of four points on a line, by hand', () => {
  // {0, 1} and {4, 6}: a and b of each point give 4/5, 3/4, 1.5/3.5 and 3.5/5.5.
  const s = silhouetteScore(Float32Array.of(0, 1, 4, 6), 4, 1, Int32Array.of(0, 0, 7, 7));
  assert.ok(Math.abs(s - (0.8 + 0.75 + 3 / 7 + 7 / 11) / 4) < 1e-12, `${s}`);
});

test('a row alone in its cluster scores 0; labels are any integers; 2-D distances', () => {
  // (0,0) and (0,1) together, (3,4) alone (noise label −1): a = 1, b = 5 and √18 → 4/5 and (√18 − 1)/√18.
  const s = silhouetteScore(Float32Array.of(0, 0, 0, 1, 3, 4), 3, 2, Int32Array.of(5, 5, -1));
  assert.ok(Math.abs(s - (0.8 + (Math.sqrt(18) - 1) / Math.sqrt(18)) / 3) < 1e-6, `${s}`);
  assert.throws(() => silhouetteScore(Float32Array.of(0, 1), 2, 1, Int32Array.of(3, 3)), /2 to n − 1 clusters, got 1/);
});

test('tiled sums match the definition across tile edges (150 rows, 3 clusters, 5-d)', () => {
  const rng = createRng(4);
  const n = 150, d = 5;
  const labels = Int32Array.from({ length: n }, () => rng.int(3));
  const x = Float32Array.from({ length: n * d }, (_, v) => labels[Math.floor(v / d)] * 2 + rng.gaussian());
  const s = silhouetteScore(x, n, d, labels);
  assert.ok(Math.abs(s - naiveSilhouette(x, n, d, labels)) < 1e-5, `${s}`);
  assert.ok(s > 0.2, 'separated clusters score clearly above 0');
});
