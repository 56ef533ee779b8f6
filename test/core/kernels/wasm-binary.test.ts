import { test } from 'node:test';
import assert from 'node:assert/strict';
import wabtInit from 'wabt';
import { Code, encodeModule, F32, I32, OP, wasm } from '../../../core/kernels/wasm-binary.js';

const webAssembly = globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } };

async function assemble(wat: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('test.wat', wat);
  try {
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

test('LEB128 bytes match the examples of the WebAssembly and DWARF specifications', () => {
  assert.deepEqual(new Code().u(0).bytes, [0x00]);
  assert.deepEqual(new Code().u(127).bytes, [0x7f]);
  assert.deepEqual(new Code().u(128).bytes, [0x80, 0x01]);
  assert.deepEqual(new Code().u(624485).bytes, [0xe5, 0x8e, 0x26]);
  assert.deepEqual(new Code().s(-1).bytes, [0x7f]);
  assert.deepEqual(new Code().s(63).bytes, [0x3f]);
  assert.deepEqual(new Code().s(64).bytes, [0xc0, 0x00], '64 needs a second byte: bit 6 would read as a sign');
  assert.deepEqual(new Code().s(-64).bytes, [0x40]);
  assert.deepEqual(new Code().s(-123456).bytes, [0xc0, 0xbb, 0x78]);
  assert.deepEqual(new Code().u(2 ** 40).bytes, [0x80, 0x80, 0x80, 0x80, 0x80, 0x20], 'beyond 32 bits without overflow');
});

test('encodeModule emits exactly the bytes wabt assembles from the same function in text form', async () => {
  // Locals f32 f32 i32 must come out as two runs: (2 × f32) (1 × i32).
  const body = new Code().get(0).get(1).op(OP.i32Add);
  const bytes = encodeModule({ name: 'add', params: [I32, I32], results: [I32], locals: [F32, F32, I32], body });
  const wat = `(module (import "env" "memory" (memory 1))
    (func (export "add") (param i32 i32) (result i32) (local f32 f32 i32) local.get 0 local.get 1 i32.add))`;
  assert.deepEqual(bytes, await assemble(wat));
  assert.ok(webAssembly.WebAssembly.validate(bytes));
});

test('a loop over the imported memory runs: the sum of n float32 values as f64', async () => {
  // sum(ptr, n): s = 0; for (i = 0; i < n; i++) s += f32[ptr + 4i]
  const body = new Code()
    .block().loop()
    .get(2).get(1).op(OP.i32GeS).brIf(1)
    .get(3).get(0).get(2).i32(4).op(OP.i32Mul).op(OP.i32Add).mem(OP.f32Load, 2).op(OP.f64PromoteF32).op(OP.f64Add).set(3)
    .get(2).i32(1).op(OP.i32Add).set(2)
    .br(0)
    .end().end()
    .get(3);
  const bytes = encodeModule({ name: 'sum', params: [I32, I32], results: [0x7c], locals: [I32, 0x7c], body });
  assert.ok(webAssembly.WebAssembly.validate(bytes));
  const memory = new wasm.Memory({ initial: 1 });
  const { exports } = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  const values = Float32Array.of(1.5, -2, 0.25, 1e6, 3);
  new Float32Array(memory.buffer, 64, values.length).set(values);
  const sum = exports.sum as (ptr: number, n: number) => number;
  assert.equal(sum(64, values.length), values.reduce((a, b) => a + b, 0));
  assert.equal(sum(64, 0), 0);
});

test('float constants are stored little-endian, bit for bit', () => {
  assert.deepEqual(new Code().f32(1).bytes, [OP.f32Const, 0x00, 0x00, 0x80, 0x3f]);
  assert.deepEqual(new Code().f64(-2).bytes, [OP.f64Const, 0, 0, 0, 0, 0, 0, 0x00, 0xc0]);
});
