import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clsPool, meanPool } from '../../../core/embedding/pooling.js';
import { createRng } from '../../../core/util/random.js';

test('meanPool, hand-worked: the mean over attended tokens only; a fully masked row pools to zeros', () => {
  // batch 2, seq 3, dims 2. Row 0 attends tokens 0 and 2; row 1 attends nothing.
  const hidden = Float32Array.of(1, 2, 100, 100, 3, 6, 7, 7, 8, 8, 9, 9);
  const mask = Uint8Array.of(1, 0, 1, 0, 0, 0);
  const out = new Float32Array(4).fill(42);
  assert.equal(meanPool(hidden, mask, 2, 3, 2, out), out);
  assert.deepEqual([...out], [2, 4, 0, 0]);
});

test('clsPool takes the first attended token, so left padding is skipped; a fully masked row pools to zeros', () => {
  const hidden = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  // Row 0 right-padded (first token), row 1 left-padded (third token is the first real one).
  assert.deepEqual([...clsPool(hidden, Uint8Array.of(1, 1, 0, 0, 0, 1), 2, 3, 2)], [1, 2, 11, 12]);
  assert.deepEqual([...clsPool(hidden, Uint8Array.of(0, 0, 0, 1, 1, 1), 2, 3, 2, new Float32Array(4).fill(9))], [0, 0, 7, 8]);
});

test('meanPool equals a plain mean of the unmasked vectors on random batches', () => {
  const rng = createRng(5);
  const batch = 7, seq = 11, dims = 5;
  const hidden = Float32Array.from({ length: batch * seq * dims }, () => rng.gaussian());
  const mask = Uint8Array.from({ length: batch * seq }, () => (rng.next() < 0.6 ? 1 : 0));
  const out = meanPool(hidden, mask, batch, seq, dims);
  for (let b = 0; b < batch; b++) {
    const kept = Array.from({ length: seq }, (_, t) => t).filter((t) => mask[b * seq + t] === 1);
    for (let j = 0; j < dims; j++) {
      const want = kept.length === 0 ? 0 : kept.reduce((s, t) => s + hidden[(b * seq + t) * dims + j], 0) / kept.length;
      assert.ok(Math.abs(out[b * dims + j] - want) < 1e-5, `row ${b} dim ${j}`);
    }
  }
});

test('shapes that do not agree are refused, naming what was expected', () => {
  assert.throws(() => meanPool(new Float32Array(11), new Uint8Array(6), 2, 3, 2), /hidden has 11 values, expected 2×3×2/);
  assert.throws(() => clsPool(new Float32Array(12), new Uint8Array(5), 2, 3, 2), /mask has 5 values, expected 2×3/);
  assert.throws(() => meanPool(new Float32Array(12), new Uint8Array(6), 2, 3, 2, new Float32Array(3)), /output holds 3 values, needs 4/);
});
