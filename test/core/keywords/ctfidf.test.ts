import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctfidf } from '../../../core/keywords/ctfidf.js';
import { createRng } from '../../../core/util/random.js';

test('c-TF-IDF matches hand-worked values: tf within the cluster × log(1 + A / term frequency)', () => {
  // Cluster 0: t0 ×2, t1 ×1; cluster 1: t1 ×1, t2 ×3. Term totals 2, 2, 3; A = 7 / 2.
  const r = ctfidf(Uint32Array.of(2, 1, 0, 0, 1, 3), 2, 3, 3);
  const A = 3.5;
  assert.deepEqual(Array.from(r.terms[0]), [0, 1]);
  assert.deepEqual(Array.from(r.terms[1]), [2, 1]);
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
  close(r.scores[0][0], (2 / 3) * Math.log(1 + A / 2));
  close(r.scores[0][1], (1 / 3) * Math.log(1 + A / 2));
  close(r.scores[1][0], (3 / 4) * Math.log(1 + A / 3));
  close(r.scores[1][1], (1 / 4) * Math.log(1 + A / 2));
});

test('c-TF-IDF top terms equal a brute-force ranking on random counts', () => {
  const rng = createRng(7);
  const k = 5, v = 40;
  const counts = Uint32Array.from({ length: k * v }, () => (rng.next() < 0.5 ? 0 : Math.floor(rng.next() * 20)));
  const r = ctfidf(counts, k, v, 6);
  let all = 0;
  const f = new Float64Array(v);
  for (let i = 0; i < counts.length; i++) {
    all += counts[i];
    f[i % v] += counts[i];
  }
  for (let c = 0; c < k; c++) {
    const row = counts.subarray(c * v, (c + 1) * v);
    const total = row.reduce((a, b) => a + b, 0);
    const scored = Array.from(row, (n, t) => ({ t, s: n === 0 ? -1 : (n / total) * Math.log(1 + all / k / f[t]) }))
      .filter((x) => x.s >= 0)
      .sort((a, b) => b.s - a.s || a.t - b.t)
      .slice(0, 6);
    assert.deepEqual(Array.from(r.terms[c]), scored.map((x) => x.t));
  }
});
