import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { estimatedJaccard, minhashFamily, minhashSignature } from '../../../core/dedup/minhash.js';
import { fmix32 } from '../../../core/dedup/shingles.js';

test('the share of equal MinHash positions estimates Jaccard within its binomial error', () => {
  const P = 128;
  const family = minhashFamily(P, 7);
  const rng = createRng(3);
  let sumError = 0;
  const pairs = 200;
  for (let t = 0; t < pairs; t++) {
    // Two sets of shingle hashes sharing `common` of their elements.
    const size = 10 + rng.int(40);
    const common = rng.int(size + 1);
    const base = rng.int(1 << 30);
    const a = Uint32Array.from({ length: size }, (_, i) => fmix32(base + i));
    const b = Uint32Array.from({ length: size }, (_, i) => fmix32(i < common ? base + i : base + 1000 + i));
    const truth = common / (2 * size - common);
    const sigs = new Uint32Array(2 * P);
    minhashSignature(a, family, sigs, 0);
    minhashSignature(b, family, sigs, P);
    const est = estimatedJaccard(sigs, P, 0, 1);
    const se = Math.sqrt((truth * (1 - truth)) / P);
    assert.ok(Math.abs(est - truth) <= 4 * se + 1e-9, `J = ${truth}, estimate ${est}`);
    sumError += est - truth;
  }
  // No bias: the mean error over pairs is within a few standard errors of 0.
  assert.ok(Math.abs(sumError / pairs) < 0.01, `mean error ${sumError / pairs}`);
});

test('identical sets give identical signatures; the family is fixed by its seed', () => {
  const f = minhashFamily(16, 1);
  assert.deepEqual(minhashFamily(16, 1), f);
  assert.notDeepEqual(minhashFamily(16, 2).a, f.a);
  assert.ok([...f.a].every((a) => a % 2 === 1));
  const s = new Uint32Array(32);
  minhashSignature(Uint32Array.of(5, 9, 11), f, s, 0);
  minhashSignature(Uint32Array.of(11, 5, 9), f, s, 16);
  assert.equal(estimatedJaccard(s, 16, 0, 1), 1);
  minhashSignature(new Uint32Array(0), f, s, 0);
  assert.ok(s.subarray(0, 16).every((v) => v === 0xffffffff));
});
