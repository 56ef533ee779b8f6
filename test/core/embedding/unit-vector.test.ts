import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toUnitVector } from '../../../core/embedding/unit-vector.js';

test('a numeric array of the run dimension comes back at unit norm: [3, 4] → [0.6, 0.8]', () => {
  const r = toUnitVector([3, 4], 2, 'emb');
  assert.ok('vector' in r);
  assert.deepEqual([...r.vector], [Math.fround(0.6), Math.fround(0.8)]);
});

test('each unusable value has its own reason, naming the column and what was found', () => {
  const cases: [unknown, string, RegExp][] = [
    [undefined, 'not_a_vector', /"emb" is missing/],
    [null, 'not_a_vector', /"emb" is null/],
    ['[1,2,3]', 'not_a_vector', /a string/],
    [[1, 2], 'vector_dims', /2 dimensions; the run's vectors have 3/],
    [[1, '2', 3], 'vector_not_numeric', /"emb"\[1\] is a string/],
    [[1, null, 3], 'vector_not_numeric', /"emb"\[1\] is null/],
    [[1, 2, NaN], 'vector_not_finite', /"emb"\[2\] is NaN/],
    [[Infinity, 2, 3], 'vector_not_finite', /"emb"\[0\] is Infinity/],
    [[0, 0, 0], 'vector_zero', /norm 0/],
    [[1e200, 1e200, 1], 'vector_not_finite', /norm beyond float64/],
  ];
  for (const [value, problem, detail] of cases) {
    const r = toUnitVector(value, 3, 'emb');
    assert.ok('problem' in r, JSON.stringify(value));
    assert.equal(r.problem, problem, JSON.stringify(value));
    assert.match(r.detail, detail);
  }
});
