import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float32ToHalf } from '../../../core/embedding/float16.js';
import { parseSafetensors, readFloat32, readIntegers } from '../../../core/embedding/safetensors.js';
import { foldStaticTable } from '../../../core/embedding/static-table.js';
import { encodeSafetensors } from '../../support/safetensors.js';

test('a safetensors file is read tensor by tensor: F32, F16 and I64 by name, with the header padding of the reference writer', () => {
  const bytes = encodeSafetensors({
    embeddings: { dtype: 'F16', shape: [2, 2], data: float32ToHalf([1, -0.5, 0.25, 2]) },
    weights: { dtype: 'F32', shape: [3], data: Float32Array.of(0.5, 1.5, 3) },
    mapping: { dtype: 'I64', shape: [3], data: BigInt64Array.of(1n, 0n, 1n) },
  });
  const file = parseSafetensors(new Uint8Array(bytes));
  assert.equal(file.metadata.format, 'pt');
  assert.deepEqual(file.tensors.get('embeddings')?.shape, [2, 2]);
  assert.deepEqual(Array.from(readFloat32(file, 'embeddings')), [1, -0.5, 0.25, 2]);
  assert.deepEqual(Array.from(readFloat32(file, 'weights')), [0.5, 1.5, 3]);
  assert.deepEqual(Array.from(readIntegers(file, 'mapping')), [1, 0, 1]);
  assert.throws(() => readFloat32(file, 'missing'), /no tensor named missing; the file holds embeddings, weights, mapping/);
  assert.throws(() => readFloat32(file, 'mapping'), /mapping is I64; a float table/);

  // Folding: token t gets row mapping[t] scaled by weights[t]; dropped ids and the pad row are zero.
  const folded = foldStaticTable({ embeddings: readFloat32(file, 'embeddings'), dims: 2, vocabSize: 3, mapping: readIntegers(file, 'mapping'), weights: readFloat32(file, 'weights'), dropIds: [2] });
  assert.equal(folded.padId, 3);
  assert.deepEqual(Array.from(folded.table), [0.125, 1, 1.5, -0.75, 0, 0, 0, 0]);
});

test('a damaged safetensors file is refused with what is wrong', () => {
  const good = encodeSafetensors({ t: { dtype: 'F32', shape: [4], data: new Float32Array(4) } });
  assert.throws(() => parseSafetensors(new Uint8Array(good.subarray(0, 5)), 'x.safetensors'), /x\.safetensors is 5 bytes: too short/);
  assert.throws(() => parseSafetensors(new Uint8Array(good.subarray(0, good.length - 1)), 'x.safetensors'), /tensor t lies outside the file/);
  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(10n ** 12n);
  assert.throws(() => parseSafetensors(new Uint8Array(huge)), /header length 1000000000000 does not fit/);
  const wrongShape = encodeSafetensors({ t: { dtype: 'F32', shape: [3], data: new Float32Array(4) } });
  assert.throws(() => parseSafetensors(new Uint8Array(wrongShape)), /tensor t holds 16 bytes, but F32 \[3\] needs 12/);
  const notJson = Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{{{{')]);
  assert.throws(() => parseSafetensors(new Uint8Array(notJson)), /header is not JSON/);
});
