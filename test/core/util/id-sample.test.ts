import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idSample, idUniform } from '../../../core/util/id-sample.js';

const ids = Array.from({ length: 20_000 }, (_, i) => `row-${i.toString(16)}`);

test('idSample keeps about the asked fraction, decided by each id alone', () => {
  const kept = idSample(ids, 7, 0.25);
  // Binomial(20,000, 0.25): sd 61; 4 sd either side.
  assert.ok(Math.abs(kept.length - 5000) < 245, `${kept.length} kept`);
  assert.ok(kept.every((p, t) => t === 0 || p > kept[t - 1]), 'positions ascend');
  // The same ids in another order and split into parts are kept the same: no position enters.
  const reversed = [...ids].reverse();
  const again = new Set(Array.from(idSample(reversed.slice(0, 7000), 7, 0.25), (p) => reversed[p]));
  for (const p of idSample(reversed.slice(7000), 7, 0.25)) again.add(reversed[7000 + p]);
  assert.deepEqual(new Set(Array.from(kept, (p) => ids[p])), again);
});

test('another seed keeps other rows; fraction 1 keeps all; values spread over [0, 1)', () => {
  const a = new Set(idSample(ids, 1, 0.5));
  const b = idSample(ids, 2, 0.5);
  const both = Array.from(b).filter((p) => a.has(p)).length;
  // Independent halves share about a quarter (5,000, sd 61).
  assert.ok(Math.abs(both - 5000) < 245, `${both} shared`);
  assert.deepEqual(idSample(ids.slice(0, 10), 1, 1), Uint32Array.from({ length: 10 }, (_, i) => i));
  const deciles = new Array(10).fill(0);
  for (const id of ids) deciles[Math.floor(idUniform(id, 3) * 10)]++;
  for (const n of deciles) assert.ok(Math.abs(n - 2000) < 170, `deciles ${deciles}`);
});
