import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bfloat16ToFloat32, float32ToHalf, halfToFloat32 } from '../../../core/embedding/float16.js';

test('binary16 decoding matches hand-worked values, and every finite pattern survives float32 → half → float32', () => {
  const bits = Uint16Array.from([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x3555, 0x7c00, 0xfc00, 0x8000]);
  assert.deepEqual(Array.from(halfToFloat32(bits)), [1, -2, 65504, 2 ** -24, 2 ** -14, 0.333251953125, Infinity, -Infinity, -0]);
  assert.ok(Number.isNaN(halfToFloat32(Uint16Array.of(0x7e00))[0]));
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i).filter((h) => (h & 0x7c00) !== 0x7c00 || (h & 0x3ff) === 0);
  assert.deepEqual(float32ToHalf(halfToFloat32(all)), all);
  // Round half to even: 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10).
  assert.deepEqual(Array.from(float32ToHalf([1 + 2 ** -11, 1 + 3 * 2 ** -11])), [0x3c00, 0x3c02]);
  assert.deepEqual(Array.from(bfloat16ToFloat32(Uint16Array.of(0x3f80, 0xc040))), [1, -3]);
});
