import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { optimizeLayout, type LayoutEdges, type OptimizeLayoutOptions } from '../../../core/umap/optimize-layout.js';

/**
 * The SGD the generated WebAssembly kernel must perform, written plainly: edge sampling by
 * weight, attraction with ±4 clipping (moving the tail too when fitting), then negative
 * samples from xorshift128 — each measured from the position after the attraction and
 * summed — and the full-strength push off a coincident point.
 */
function referenceLayout(head: Float32Array, tail: Float32Array, nTail: number, edges: LayoutEdges, o: OptimizeLayoutOptions): void {
  const { dim, nEpochs, a, b, gamma, initialAlpha, negativeSampleRate, moveOther, rng } = o;
  const n = edges.head.length;
  let full = o.fullWeight ?? 0;
  if (o.fullWeight === undefined) for (const w of edges.weights) full = Math.max(full, w);
  const eps = Float64Array.from(edges.weights, (w) => (w > 0 ? full / w : Infinity));
  const next = Float64Array.from(eps);
  const epn = eps.map((e) => e / negativeSampleRate);
  const nextNeg = Float64Array.from(epn);
  const s = [0, 1, 2, 3].map(() => rng.int(0x100000000));
  s[0] |= 1;
  const clip = (g: number, lim: number) => Math.max(-lim, Math.min(lim, g));
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    const alpha = initialAlpha * (1 - epoch / nEpochs), lim = 4 * alpha;
    for (let e = 0; e < n; e++) {
      if (next[e] > epoch) continue;
      const j = edges.head[e], k = edges.tail[e];
      let d2 = 0;
      for (let t = 0; t < dim; t++) d2 += (head[j * dim + t] - tail[k * dim + t]) ** 2;
      if (d2 > 0) {
        const step = ((-2 * a * b * Math.pow(d2, b)) / d2 / (a * Math.pow(d2, b) + 1)) * alpha;
        for (let t = 0; t < dim; t++) {
          const g = clip(step * (head[j * dim + t] - tail[k * dim + t]), lim);
          head[j * dim + t] += g;
          if (moveOther) tail[k * dim + t] -= g;
        }
      }
      next[e] += eps[e];
      const nNeg = Math.floor((epoch - nextNeg[e]) / epn[e]);
      const push = new Float64Array(dim);
      for (let q = 0; q < nNeg; q++) {
        const x = s[0] ^ (s[0] << 11);
        [s[0], s[1], s[2]] = [s[1], s[2], s[3]];
        s[3] = s[3] ^ (s[3] >>> 19) ^ x ^ (x >>> 8);
        const c = Math.floor(((s[3] >>> 0) * nTail) / 0x100000000);
        if (moveOther && c === j) continue;
        let n2 = 0;
        for (let t = 0; t < dim; t++) n2 += (head[j * dim + t] - tail[c * dim + t]) ** 2;
        if (n2 > 0) {
          const step = ((2 * gamma * b) / ((0.001 + n2) * (a * Math.pow(n2, b) + 1))) * alpha;
          for (let t = 0; t < dim; t++) push[t] += clip(step * (head[j * dim + t] - tail[c * dim + t]), lim);
        } else {
          for (let t = 0; t < dim; t++) push[t] += lim;
        }
      }
      for (let t = 0; t < dim; t++) head[j * dim + t] += push[t];
      nextNeg[e] += nNeg * epn[e];
    }
  }
}

function randomGraph(n: number, perNode: number, seed: number): LayoutEdges {
  const rng = createRng(seed);
  const head = new Int32Array(n * perNode), tail = new Int32Array(n * perNode), weights = new Float32Array(n * perNode);
  for (let i = 0; i < n * perNode; i++) {
    head[i] = Math.floor(i / perNode);
    tail[i] = (head[i] + 1 + rng.int(n - 1)) % n;
    weights[i] = 0.05 + 0.95 * rng.next();
  }
  return { head, tail, weights };
}

// Few epochs: SGD is chaotic, float32 rounding differences grow geometrically with every epoch.
const base = { nEpochs: 4, a: 1.577, b: 0.895, gamma: 1, initialAlpha: 1, negativeSampleRate: 5 };

for (const dim of [2, 5, 8]) {
  test(`fitting kernel (${dim}-d) follows the reference SGD, clipping and coincident points included`, () => {
    const n = 60, rng = createRng(dim);
    // A small box makes attractions large enough to clip; rows 0–19 coincide, so early
    // negative samples land on coincident points.
    const start = Float32Array.from({ length: n * dim }, () => rng.next() * 0.5);
    for (let i = 1; i < 20; i++) start.copyWithin(i * dim, 0, dim);
    const edges = randomGraph(n, 4, 10 + dim);
    const ours = Float32Array.from(start);
    optimizeLayout(ours, ours, n, edges, { ...base, dim, moveOther: true, rng: createRng(99) });
    const ref = Float32Array.from(start);
    referenceLayout(ref, ref, n, edges, { ...base, dim, moveOther: true, rng: createRng(99) });
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
    assert.ok(worst < 1e-3, `largest difference ${worst}`);
    assert.notDeepEqual(ours, start);
  });
}

test('transform kernel moves only the new points, against a fixed tail, with fullWeight 1', () => {
  const dim = 3, nTail = 50, nHead = 20, rng = createRng(5);
  const tail = Float32Array.from({ length: nTail * dim }, () => rng.next() * 10);
  const start = Float32Array.from({ length: nHead * dim }, () => rng.next() * 10);
  const edges = randomGraph(nHead, 5, 6);
  for (let i = 0; i < edges.tail.length; i++) edges.tail[i] = rng.int(nTail);
  const options = { ...base, dim, moveOther: false, fullWeight: 1 };

  const ours = Float32Array.from(start), fixed = Float32Array.from(tail);
  optimizeLayout(ours, fixed, nTail, edges, { ...options, rng: createRng(7) });
  assert.deepEqual(fixed, tail);
  const ref = Float32Array.from(start);
  referenceLayout(ref, Float32Array.from(tail), nTail, edges, { ...options, rng: createRng(7) });
  let worst = 0;
  for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
  assert.ok(worst < 1e-3, `largest difference ${worst}`);
  assert.notDeepEqual(ours, start);
});
