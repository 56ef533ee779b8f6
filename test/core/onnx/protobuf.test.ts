import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoWriter } from '../../../core/onnx/protobuf.js';
import { createRng } from '../../../core/util/random.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A plain wire-format reader (protobuf encoding guide), for round trips: field → values in order. */
function decode(bytes: Uint8Array): Map<number, (bigint | Uint8Array | number)[]> {
  const fields = new Map<number, (bigint | Uint8Array | number)[]>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = (): bigint => {
    let v = 0n, shift = 0n;
    for (;;) {
      const b = bytes[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7n;
    }
  };
  while (at < bytes.length) {
    const key = Number(varint());
    const [field, wire] = [key >> 3, key & 7];
    let value: bigint | Uint8Array | number;
    if (wire === 0) value = varint();
    else if (wire === 1) [value, at] = [view.getFloat64(at, true), at + 8];
    else if (wire === 5) [value, at] = [view.getFloat32(at, true), at + 4];
    else if (wire === 2) {
      const n = Number(varint());
      [value, at] = [bytes.subarray(at, at + n), at + n];
    } else throw new Error(`wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

/** The varints of a packed field's payload, back to back. */
function readVarints(bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let v = 0n, shift = 0n;
  for (const b of bytes) {
    v |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) {
      out.push(v);
      v = 0n;
      shift = 0n;
    }
  }
  return out;
}

test('the encoding guide’s examples: int 150 in field 1, "testing" in field 2, a nested message in field 3', () => {
  assert.equal(hex(new ProtoWriter().int(1, 150).finish()), '089601');
  assert.equal(hex(new ProtoWriter().string(2, 'testing').finish()), '120774657374696e67');
  assert.equal(hex(new ProtoWriter().message(3, (w) => w.int(1, 150)).finish()), '1a03089601');
  // Packed repeated int32 [3, 270, 86942] in field 4.
  assert.equal(hex(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish()), '2206038e029ea705');
});

test('a negative int takes ten bytes (two’s complement over 64 bits); bools and 0 take one', () => {
  const minusOne = new ProtoWriter().int(1, -1).finish();
  assert.equal(hex(minusOne), '08' + 'ff'.repeat(9) + '01');
  assert.equal(decode(minusOne).get(1)![0], 2n ** 64n - 1n);
  assert.equal(hex(new ProtoWriter().int(5, 0).int(6, 1).finish()), '28003001');
});

test('random messages read back field by field with a plain wire-format reader, across buffer growth', () => {
  const rng = createRng(9);
  for (let trial = 0; trial < 20; trial++) {
    const ints = Array.from({ length: 1 + rng.int(50) }, () => BigInt(Math.floor((rng.next() - 0.5) * 2 ** 52)));
    const floats = Float32Array.from({ length: rng.int(400) }, () => rng.gaussian());
    const text = 'é日🙂'.repeat(rng.int(100));
    const w = new ProtoWriter();
    for (const v of ints) w.int(1, v);
    w.float(2, 0.1).double(3, Math.PI).string(4, text).packedFloats(5, floats).packedInts(6, ints).message(7, (m) => m.string(1, 'inner').int(2, 7));
    const f = decode(w.finish());
    assert.deepEqual(f.get(1), ints.map((v) => BigInt.asUintN(64, v)));
    assert.equal(f.get(2)![0], Math.fround(0.1));
    assert.equal(f.get(3)![0], Math.PI);
    assert.equal(new TextDecoder().decode(f.get(4)![0] as Uint8Array), text);
    const packed = f.get(5)![0] as Uint8Array;
    assert.deepEqual(new Float32Array(packed.slice().buffer), floats);
    const inner = decode(f.get(7)![0] as Uint8Array);
    assert.equal(new TextDecoder().decode(inner.get(1)![0] as Uint8Array), 'inner');
    assert.equal(inner.get(2)![0], 7n);
    assert.deepEqual(readVarints(f.get(6)![0] as Uint8Array), ints.map((v) => BigInt.asUintN(64, v)));
  }
});
