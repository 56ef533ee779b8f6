/**
 * Just enough of the WebAssembly binary format to emit one exported function over an
 * imported memory: the UMAP SGD kernel and the farthest-point kernel are generated per
 * dimensionality (their vector loops unrolled into SIMD registers), which plain JavaScript
 * cannot express.
 */

/**
 * The parts of the WebAssembly JS API used here. The project's TypeScript libs (ES2023 +
 * node types) do not declare the global, so it is typed locally.
 */
export interface WasmRuntime {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
export type WasmModule = { readonly __wasmModule: unique symbol };
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Adds pages of 64 KiB; `buffer` is replaced. */
  grow(pages: number): number;
}
export const wasm = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

/** Opcodes used by the kernel (core spec numbering). */
export const OP = {
  block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b, br: 0x0c, brIf: 0x0d,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, f32Load: 0x2a, f64Load: 0x2b, i32Store: 0x36, f32Store: 0x38, f64Store: 0x39,
  i32Const: 0x41, i64Const: 0x42, f32Const: 0x43, f64Const: 0x44,
  i32Eqz: 0x45, i32Eq: 0x46, i32Ne: 0x47, i32LtS: 0x48, i32LtU: 0x49, i32GeS: 0x4e, i32GeU: 0x4f,
  f32Lt: 0x5d, f32Gt: 0x5e, f64Gt: 0x64, f64Le: 0x65,
  i32Add: 0x6a, i32Sub: 0x6b, i32Mul: 0x6c, i32And: 0x71, i32Or: 0x72, i32Xor: 0x73,
  i32Shl: 0x74, i32ShrU: 0x76,
  i64Mul: 0x7e, i64ShrU: 0x88,
  f32Add: 0x92,
  f64Floor: 0x9c, f64Add: 0xa0, f64Sub: 0xa1, f64Mul: 0xa2, f64Div: 0xa3,
  i32WrapI64: 0xa7, i32TruncF64S: 0xaa, i64ExtendI32U: 0xad, f32DemoteF64: 0xb6,
  f64ConvertI32S: 0xb7, f64ConvertI32U: 0xb8, f64PromoteF32: 0xbb, i64ReinterpretF64: 0xbd,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = {
  load: 0x00, store: 0x0b, const: 0x0c, shuffle: 0x0d, i32x4Splat: 0x11, f32x4Splat: 0x13, f32x4ExtractLane: 0x1f,
  f32x4Gt: 0x44, and: 0x4e, bitselect: 0x52, i32x4Add: 0xae,
  f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Pmin: 0xea, f32x4Pmax: 0xeb,
} as const;

const EMPTY_BLOCK = 0x40;

/** A function body under construction; every method appends one instruction. */
export class Code {
  readonly bytes: number[] = [];

  op(code: number): this {
    this.bytes.push(code);
    return this;
  }
  get(local: number): this {
    return this.op(OP.localGet).u(local);
  }
  set(local: number): this {
    return this.op(OP.localSet).u(local);
  }
  tee(local: number): this {
    return this.op(OP.localTee).u(local);
  }
  i32(v: number): this {
    return this.op(OP.i32Const).s(v | 0);
  }
  i64(v: number): this {
    return this.op(OP.i64Const).s(v);
  }
  f32(v: number): this {
    this.op(OP.f32Const);
    this.bytes.push(...new Uint8Array(new Float32Array([v]).buffer));
    return this;
  }
  f64(v: number): this {
    this.op(OP.f64Const);
    const b = new Uint8Array(new Float64Array([v]).buffer);
    this.bytes.push(...b);
    return this;
  }
  /** Memory access with natural alignment log2 `align` and a constant byte offset. */
  mem(code: number, align: number, offset = 0): this {
    return this.op(code).u(align).u(offset);
  }
  simd(code: number): this {
    return this.op(0xfd).u(code);
  }
  simdMem(code: number, offset = 0): this {
    return this.simd(code).u(4).u(offset);
  }
  lane(code: number, lane: number): this {
    return this.simd(code).op(lane);
  }
  v128(lanes: Float32Array): this {
    this.simd(SIMD.const);
    this.bytes.push(...new Uint8Array(lanes.buffer, lanes.byteOffset, 16));
    return this;
  }
  /** i8x16.shuffle of the two vectors on the stack by 16 byte indices. */
  shuffle(bytes: readonly number[]): this {
    this.simd(SIMD.shuffle);
    this.bytes.push(...bytes);
    return this;
  }
  block(): this {
    return this.op(OP.block).op(EMPTY_BLOCK);
  }
  loop(): this {
    return this.op(OP.loop).op(EMPTY_BLOCK);
  }
  if(): this {
    return this.op(OP.if).op(EMPTY_BLOCK);
  }
  br(depth: number): this {
    return this.op(OP.br).u(depth);
  }
  brIf(depth: number): this {
    return this.op(OP.brIf).u(depth);
  }
  end(): this {
    return this.op(OP.end);
  }

  /** Unsigned LEB128. */
  u(v: number): this {
    do {
      let byte = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) byte |= 0x80;
      this.bytes.push(byte);
    } while (v !== 0);
    return this;
  }
  /** Signed LEB128 (safe integers). */
  s(v: number): this {
    for (;;) {
      const byte = v & 0x7f;
      v = Math.floor(v / 128);
      const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
      this.bytes.push(done ? byte : byte | 0x80);
      if (done) return this;
    }
  }
}

export interface FunctionSpec {
  name: string;
  params: ValType[];
  /** At most one result in practice; none when absent. */
  results?: ValType[];
  /** Extra locals, numbered after the params. */
  locals: ValType[];
  body: Code;
}

/** A module importing `env.memory` and exporting one function. */
export function encodeModule(fn: FunctionSpec): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, content: Code): void => {
    out.push(id, ...new Code().u(content.bytes.length).bytes, ...content.bytes);
  };
  const name = (c: Code, s: string): Code => {
    const b = new TextEncoder().encode(s);
    c.u(b.length).bytes.push(...b);
    return c;
  };

  const types = new Code().u(1).op(0x60).u(fn.params.length);
  for (const p of fn.params) types.op(p);
  const results = fn.results ?? [];
  types.u(results.length);
  for (const r of results) types.op(r);
  section(1, types);

  const imports = new Code().u(1);
  name(imports, 'env');
  name(imports, 'memory');
  imports.op(0x02).op(0x00).u(1); // memory, limits: min 1 page, no max
  section(2, imports);

  section(3, new Code().u(1).u(0));

  const exports = new Code().u(1);
  name(exports, fn.name);
  exports.op(0x00).u(0); // function 0: an imported memory takes no function index
  section(7, exports);

  // Locals grouped in runs of equal type, as the format requires.
  const runs: [number, ValType][] = [];
  for (const t of fn.locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  const body = new Code().u(runs.length);
  for (const [count, t] of runs) body.u(count).op(t);
  body.bytes.push(...fn.body.bytes, OP.end);
  const code = new Code().u(1).u(body.bytes.length);
  code.bytes.push(...body.bytes);
  section(10, code);
  return new Uint8Array(out);
}
