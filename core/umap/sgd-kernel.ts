/**
 * One epoch of UMAP's SGD as a WebAssembly function generated for one output
 * dimensionality: coordinates are padded to whole f32x4 vectors and the per-sample vector
 * loops are unrolled, so a point's row stays in SIMD registers across its negative
 * samples. A fit draws ~10^8 negative samples; scalar JavaScript spends one operation per
 * coordinate on each, f32x4 lanes a quarter of that.
 *
 * The algorithm is described in optimize-layout.ts; this file is only its machine form.
 * d²^b is evaluated from two tables (see powTables) and negative samples come from an
 * inline xorshift128 whose state lives in memory. sgd-kernel.wat beside this file is the exact
 * text form of buildKernel(2), UMAP's default output (a test assembles it and compares bytes).
 */
import { Code, encodeModule, F64, I32, I64, OP, SIMD, V128, wasm, type ValType, type WasmMemory } from '../kernels/wasm-binary.js';

/**
 * Kernel arguments in order: byte offsets into memory, counts, then f64 constants. The
 * caller loops over epochs: V8 cannot swap a running WebAssembly frame for optimised code,
 * so a single call running every epoch would stay in the baseline tier.
 */
export const KERNEL_PARAMS = [
  'headRows', 'tailRows', 'headIndex', 'tailIndex', 'epochsPerSample', 'nextSample',
  'epochsPerNegative', 'nextNegative', 'exponentTable', 'mantissaTable', 'rngState',
  'nEdges', 'nTail', 'epoch', 'moveOther', 'a', 'attract', 'repel', 'alpha',
] as const;

/** Mantissa samples for m^b on [1, 2); linear interpolation between them. */
export const MANTISSA_BITS = 12;

/** Tables for x^b = 2^(e·b) · m^b with x = m·2^e: one entry per binary exponent, 4097 mantissa samples. */
export function powTables(b: number): { exponent: Float64Array; mantissa: Float64Array } {
  const exponent = new Float64Array(2048);
  for (let e = 1; e < 2047; e++) exponent[e] = Math.pow(2, (e - 1023) * b);
  exponent[2047] = Infinity; // subnormals and zero (e = 0) give 0
  const segments = 1 << MANTISSA_BITS;
  const mantissa = new Float64Array(segments + 1);
  for (let i = 0; i <= segments; i++) mantissa[i] = Math.pow(1 + i / segments, b);
  return { exponent, mantissa };
}

/** Coordinates per row in memory: dim rounded up to a multiple of 4. */
export function paddedDim(dim: number): number {
  return Math.ceil(dim / 4) * 4;
}

const PAGE = 65536;
const ZERO = new Float32Array(4);
/** Byte shuffles for the horizontal sum: lanes (2, 3, 0, 1), then (1, 0, 3, 2). */
const SWAP_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

export interface SgdKernel {
  /** One epoch; arguments in KERNEL_PARAMS order. */
  epoch: (...args: number[]) => void;
  /** The kernel's memory, at least the requested size; valid until the next sgdKernel call. */
  buffer: ArrayBuffer;
}

const kernels = new Map<number, { memory: WasmMemory; epoch: SgdKernel['epoch'] }>();

/**
 * The kernel for `dim` with at least `bytes` of memory. One instance per dimensionality is
 * reused, its memory only grows: wasm memories reserve large address ranges, so one per
 * transformed block would lean on the garbage collector. Calls are synchronous and
 * JavaScript is single-threaded (each worker has its own map), so uses never overlap.
 */
export function sgdKernel(dim: number, bytes: number): SgdKernel {
  let k = kernels.get(dim);
  if (!k) {
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    const instance = new wasm.Instance(new wasm.Module(buildKernel(dim)), { env: { memory } });
    k = { memory, epoch: instance.exports.epoch as SgdKernel['epoch'] };
    kernels.set(dim, k);
  }
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  return { epoch: k.epoch, buffer: k.memory.buffer };
}

/** The module for `dim` output coordinates; sgd-kernel.wat lists it for dim = 2. */
export function buildKernel(dim: number): Uint8Array {
  const chunks = paddedDim(dim) / 4;
  const rowBytes = chunks * 16;

  const params: ValType[] = KERNEL_PARAMS.map((_, i) => (i < 15 ? I32 : F64));
  const P = Object.fromEntries(KERNEL_PARAMS.map((name, i) => [name, i])) as Record<(typeof KERNEL_PARAMS)[number], number>;
  const locals: ValType[] = [];
  const local = (t: ValType): number => {
    locals.push(t);
    return params.length + locals.length - 1;
  };
  const e = local(I32), j = local(I32), jo = local(I32), ko = local(I32);
  const s = local(I32), nNeg = local(I32), k = local(I32);
  const s0 = local(I32), s1 = local(I32), s2 = local(I32), s3 = local(I32), x = local(I32);
  const hi = local(I32), mant = local(I32), idx = local(I32), eOff = local(I32);
  const epochF = local(F64), lim2 = local(F64), d2 = local(F64), p = local(F64), step = local(F64), t = local(F64);
  const bits = local(I64);
  const h = Array.from({ length: chunks }, () => local(V128));
  const d = Array.from({ length: chunks }, () => local(V128));
  const r = Array.from({ length: chunks }, () => local(V128));
  const acc = local(V128), acc2 = local(V128), stepV = local(V128), limV = local(V128), nlimV = local(V128), push = local(V128), pushLast = local(V128);

  const c = new Code();
  const f32x4 = (op: number): Code => c.simd(op);

  // Mask for the padding lanes of the last chunk: pushes must leave them at zero.
  const lastLanes = dim - (chunks - 1) * 4;
  const lastMask = new Float32Array(4);
  new Uint32Array(lastMask.buffer).fill(0xffffffff, 0, lastLanes);

  /** result = x^b for the f64 on the stack (x ≥ 0). */
  const pow = (): void => {
    c.op(OP.i64ReinterpretF64).set(bits);
    c.get(bits).i64(32).op(OP.i64ShrU).op(OP.i32WrapI64).set(hi);
    c.get(hi).i32(0xfffff).op(OP.i32And).set(mant);
    c.get(mant).i32(20 - MANTISSA_BITS).op(OP.i32ShrU).i32(3).op(OP.i32Shl).get(P.mantissaTable).op(OP.i32Add).set(idx);
    // t = fraction between the two mantissa samples, from the remaining 8 + 32 bits
    c.get(mant).i32((1 << (20 - MANTISSA_BITS)) - 1).op(OP.i32And).op(OP.f64ConvertI32U);
    c.get(bits).op(OP.i32WrapI64).op(OP.f64ConvertI32U).f64(2 ** -32).op(OP.f64Mul).op(OP.f64Add);
    c.f64(1 / (1 << (20 - MANTISSA_BITS))).op(OP.f64Mul).set(t);
    c.get(hi).i32(20).op(OP.i32ShrU).i32(3).op(OP.i32Shl).get(P.exponentTable).op(OP.i32Add).mem(OP.f64Load, 3);
    c.get(idx).mem(OP.f64Load, 3);
    c.get(t).get(idx).mem(OP.f64Load, 3, 8).get(idx).mem(OP.f64Load, 3).op(OP.f64Sub).op(OP.f64Mul);
    c.op(OP.f64Add).op(OP.f64Mul);
  };

  /** d_i = h_i − row(addr) for every chunk, and the squared norm into `target` (f64). */
  const diffs = (addrLocal: number, target: number): void => {
    // Two accumulators halve the dependent-add chain for wide rows.
    for (let i = 0; i < chunks; i++) {
      const into = i % 2 === 0 ? acc : acc2;
      c.get(h[i]).get(addrLocal).simdMem(SIMD.load, 16 * i);
      f32x4(SIMD.f32x4Sub).tee(d[i]).get(d[i]);
      f32x4(SIMD.f32x4Mul);
      if (i > 1) {
        c.get(into);
        f32x4(SIMD.f32x4Add);
      }
      c.set(into);
    }
    if (chunks > 1) {
      c.get(acc).get(acc2);
      f32x4(SIMD.f32x4Add).set(acc);
    }
    // Horizontal sum by two shuffles: (0+2, 1+3, …), then lane 0 + lane 1.
    c.get(acc).get(acc).get(acc).shuffle(SWAP_HALVES);
    f32x4(SIMD.f32x4Add).tee(acc).get(acc).get(acc).shuffle(SWAP_PAIRS);
    f32x4(SIMD.f32x4Add).lane(SIMD.f32x4ExtractLane, 0);
    c.op(OP.f64PromoteF32).set(target);
  };

  /** into_i += stepV · d_i, for steps known to stay within the clip. */
  const applyUnclamped = (into: number[]): void => {
    c.get(step).op(OP.f32DemoteF64);
    f32x4(SIMD.f32x4Splat).set(stepV);
    for (let i = 0; i < chunks; i++) {
      c.get(stepV).get(d[i]);
      f32x4(SIMD.f32x4Mul).get(into[i]);
      f32x4(SIMD.f32x4Add).set(into[i]);
    }
  };

  /** d_i = clamp(stepV · d_i, ±lim), into_i += d_i. */
  const applyStep = (into: number[]): void => {
    c.get(step).op(OP.f32DemoteF64);
    f32x4(SIMD.f32x4Splat).set(stepV);
    for (let i = 0; i < chunks; i++) {
      c.get(stepV).get(d[i]);
      f32x4(SIMD.f32x4Mul).get(limV);
      f32x4(SIMD.f32x4Pmin).get(nlimV);
      f32x4(SIMD.f32x4Pmax).tee(d[i]).get(into[i]);
      f32x4(SIMD.f32x4Add).set(into[i]);
    }
  };

  // rng state in
  for (const [i, l] of [s0, s1, s2, s3].entries()) c.get(P.rngState).mem(OP.i32Load, 2, 4 * i).set(l);

  c.get(P.epoch).op(OP.f64ConvertI32S).set(epochF);
  c.get(P.alpha).f64(4).op(OP.f64Mul).tee(lim2).get(lim2).op(OP.f64Mul).set(lim2);
  c.get(P.alpha).f64(4).op(OP.f64Mul).op(OP.f32DemoteF64);
  f32x4(SIMD.f32x4Splat).set(limV);
  c.get(P.alpha).f64(-4).op(OP.f64Mul).op(OP.f32DemoteF64);
  f32x4(SIMD.f32x4Splat).set(nlimV);
  c.get(limV).set(push);
  c.get(limV).v128(lastMask);
  c.simd(SIMD.and).set(pushLast);

  c.i32(0).set(e);
  c.block().loop(); // edges
  c.get(e).get(P.nEdges).op(OP.i32GeS).brIf(1);
  c.block(); // this edge; br 0 skips to the next

  c.get(e).i32(3).op(OP.i32Shl).tee(eOff).get(P.nextSample).op(OP.i32Add).mem(OP.f64Load, 3).get(epochF).op(OP.f64Gt).brIf(0);

  c.get(e).i32(2).op(OP.i32Shl).get(P.headIndex).op(OP.i32Add).mem(OP.i32Load, 2).tee(j);
  c.i32(rowBytes).op(OP.i32Mul).get(P.headRows).op(OP.i32Add).set(jo);
  c.get(e).i32(2).op(OP.i32Shl).get(P.tailIndex).op(OP.i32Add).mem(OP.i32Load, 2);
  c.i32(rowBytes).op(OP.i32Mul).get(P.tailRows).op(OP.i32Add).set(ko);
  for (let i = 0; i < chunks; i++) c.get(jo).simdMem(SIMD.load, 16 * i).set(h[i]);

  // Attraction along the edge.
  diffs(ko, d2);
  c.get(d2).f64(0).op(OP.f64Gt).if();
  c.get(d2);
  pow();
  c.set(p);
  // step = attract · p / d2 / (a·p + 1) · alpha   (d^(2(b−1)) = p/d2)
  c.get(P.attract).get(p).op(OP.f64Mul).get(d2).op(OP.f64Div);
  c.get(P.a).get(p).op(OP.f64Mul).f64(1).op(OP.f64Add).op(OP.f64Div).get(P.alpha).op(OP.f64Mul).set(step);
  applyStep(h);
  for (let i = 0; i < chunks; i++) c.get(jo).get(h[i]).simdMem(SIMD.store, 16 * i);
  c.get(P.moveOther).if();
  for (let i = 0; i < chunks; i++) {
    c.get(ko).get(ko).simdMem(SIMD.load, 16 * i).get(d[i]);
    f32x4(SIMD.f32x4Sub).simdMem(SIMD.store, 16 * i);
  }
  c.end();
  c.end();

  // nextSample[e] += epochsPerSample[e]
  c.get(eOff).get(P.nextSample).op(OP.i32Add);
  c.get(eOff).get(P.nextSample).op(OP.i32Add).mem(OP.f64Load, 3);
  c.get(eOff).get(P.epochsPerSample).op(OP.i32Add).mem(OP.f64Load, 3).op(OP.f64Add).mem(OP.f64Store, 3);
  // nNeg = floor((epoch − nextNegative[e]) / epochsPerNegative[e])
  c.get(epochF).get(eOff).get(P.nextNegative).op(OP.i32Add).mem(OP.f64Load, 3).op(OP.f64Sub);
  c.get(eOff).get(P.epochsPerNegative).op(OP.i32Add).mem(OP.f64Load, 3).op(OP.f64Div).op(OP.f64Floor).op(OP.i32TruncF64S).set(nNeg);

  // Repulsions are all measured from the point's position after the attraction and summed
  // into r, instead of each from the position left by the previous one as in umap-learn:
  // the samples no longer wait on each other (the update chain is latency-bound), and the
  // difference is a few small steps' worth of drift.
  for (let i = 0; i < chunks; i++) c.v128(ZERO).set(r[i]);
  c.i32(0).set(s);
  c.block().loop(); // negative samples
  c.get(s).get(nNeg).op(OP.i32GeS).brIf(1);
  c.block(); // this sample
  // xorshift128
  c.get(s0).get(s0).i32(11).op(OP.i32Shl).op(OP.i32Xor).set(x);
  c.get(s1).set(s0).get(s2).set(s1).get(s3).set(s2);
  c.get(s3).get(s3).i32(19).op(OP.i32ShrU).op(OP.i32Xor).get(x).op(OP.i32Xor).get(x).i32(8).op(OP.i32ShrU).op(OP.i32Xor).set(s3);
  // k = floor(s3 · nTail / 2^32)
  c.get(s3).op(OP.i64ExtendI32U).get(P.nTail).op(OP.i64ExtendI32U).op(OP.i64Mul).i64(32).op(OP.i64ShrU).op(OP.i32WrapI64).set(k);
  // a point is never its own negative sample
  c.get(P.moveOther).get(k).get(j).op(OP.i32Eq).op(OP.i32And).brIf(0);
  c.get(k).i32(rowBytes).op(OP.i32Mul).get(P.tailRows).op(OP.i32Add).set(ko);
  diffs(ko, d2);
  c.get(d2).f64(0).op(OP.f64Gt).if();
  // step = repel / ((0.001 + d2) · (a · d2^b + 1)) · alpha
  c.get(P.repel).f64(0.001).get(d2).op(OP.f64Add).get(P.a).get(d2);
  pow();
  c.op(OP.f64Mul).f64(1).op(OP.f64Add).op(OP.f64Mul).op(OP.f64Div).get(P.alpha).op(OP.f64Mul).set(step);
  // Every component is at most the norm: |step|·d ≤ 4·alpha means nothing to clip.
  c.get(step).get(step).op(OP.f64Mul).get(d2).op(OP.f64Mul).get(lim2).op(OP.f64Gt).if();
  applyStep(r);
  c.op(OP.else);
  applyUnclamped(r);
  c.end();
  c.op(OP.else);
  // Coincident with another point: push at full clip strength (padding lanes masked).
  for (let i = 0; i < chunks; i++) {
    c.get(r[i]).get(i === chunks - 1 ? pushLast : push);
    f32x4(SIMD.f32x4Add).set(r[i]);
  }
  c.end();
  c.end(); // this sample
  c.get(s).i32(1).op(OP.i32Add).set(s).br(0);
  c.end().end(); // negatives

  for (let i = 0; i < chunks; i++) {
    c.get(jo).get(h[i]).get(r[i]);
    f32x4(SIMD.f32x4Add).simdMem(SIMD.store, 16 * i);
  }
  // nextNegative[e] += nNeg · epochsPerNegative[e]
  c.get(eOff).get(P.nextNegative).op(OP.i32Add);
  c.get(eOff).get(P.nextNegative).op(OP.i32Add).mem(OP.f64Load, 3);
  c.get(nNeg).op(OP.f64ConvertI32S).get(eOff).get(P.epochsPerNegative).op(OP.i32Add).mem(OP.f64Load, 3).op(OP.f64Mul);
  c.op(OP.f64Add).mem(OP.f64Store, 3);

  c.end(); // this edge
  c.get(e).i32(1).op(OP.i32Add).set(e).br(0);
  c.end().end(); // edges

  for (const [i, l] of [s0, s1, s2, s3].entries()) c.get(P.rngState).get(l).mem(OP.i32Store, 2, 4 * i);

  return encodeModule({ name: 'epoch', params, locals, body: c });
}
