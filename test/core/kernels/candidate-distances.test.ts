import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CandidateDistances } from '../../../core/kernels/candidate-distances.js';
import { rowSquaredNorms } from '../../../core/kernels/session.js';
import { createRng } from '../../../core/util/random.js';
import { randomMatrix, squaredDistance } from '../../support/matrices.js';

test('CandidateDistances caps each distance at the row’s closest distance and sums each column', async () => {
  const n = 1000, d = 10, m = 4;
  const x = randomMatrix(n, d, 6);
  const candidates = randomMatrix(m, d, 7);
  const closest = new Float32Array(n);
  const rng = createRng(8);
  for (let i = 0; i < n; i++) closest[i] = rng.next() * 30;
  const kernel = await CandidateDistances.create(d, { threads: 1, blockRows: 300 });
  const out = new Float32Array(n * m);
  const potentials = await kernel.run(x, n, rowSquaredNorms(x, n, d), closest, candidates, m, out);
  await kernel.close();
  const columns = new Float64Array(m);
  let capped = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < m; t++) {
      const exact = squaredDistance(x, i, candidates, t, d);
      if (closest[i] < exact) capped++;
      const want = Math.min(closest[i], exact);
      assert.ok(Math.abs(out[i * m + t] - want) < 1e-4 * (1 + want), `row ${i} candidate ${t}`);
      columns[t] += out[i * m + t];
    }
  }
  assert.ok(capped > 0 && capped < n * m, 'the data exercises both sides of the cap');
  for (let t = 0; t < m; t++) assert.ok(Math.abs(potentials[t] - columns[t]) < 1e-6 * columns[t]);
});

test('CandidateDistances with weights sums each column as weight × capped distance', async () => {
  const n = 700, d = 6, m = 3;
  const x = randomMatrix(n, d, 9);
  const candidates = randomMatrix(m, d, 10);
  const closest = new Float32Array(n).fill(Infinity);
  const rng = createRng(11);
  const weights = Float64Array.from({ length: n }, () => rng.int(5));
  const kernel = await CandidateDistances.create(d, { threads: 1, blockRows: 256 });
  const out = new Float32Array(n * m);
  const weighted = await kernel.run(x, n, rowSquaredNorms(x, n, d), closest, candidates, m, out, weights);
  const plain = await kernel.run(x, n, rowSquaredNorms(x, n, d), closest, candidates, m, out);
  await kernel.close();
  for (let t = 0; t < m; t++) {
    let want = 0;
    for (let i = 0; i < n; i++) want += weights[i] * squaredDistance(x, i, candidates, t, d);
    assert.ok(Math.abs(weighted[t] - want) < 1e-5 * want, `candidate ${t}: ${weighted[t]} vs ${want}`);
    assert.ok(Math.abs(weighted[t] - plain[t]) > 1e-3 * plain[t], 'the weights change the sums');
  }
});
