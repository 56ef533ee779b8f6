/**
 * Squared Euclidean distances from one row to a list of rows, as a WebAssembly function
 * generated for one dimensionality: out[j] = ‖x_{rows[j]} − x_p‖². It is the one pass of each
 * farthest-point pick over the rows that the triangle bound could not skip (the algorithm and its
 * contract are in core/sample/farthest-point.ts; this file is only its machine form). Four listed
 * rows go through together, each with its own f32x4 accumulator and one shared load of the pick's
 * row, as a BLAS gemv kernel streams several rows at once: the pass then runs at memory speed.
 * Scalar JavaScript spent one dependent add per coordinate (26 ms per pick on 200k × 100, against
 * 8.7 ms for numpy's one-thread OpenBLAS gemv, same run); one row at a time in f32x4 lanes
 * measured 5.3 ms against numpy's 4.2 ms, four rows 3.4 ms.
 *
 * Each row's sum runs in the same order wherever it sits in the list (lane-wise over the chunks,
 * then three pairwise adds), so a row's distance is the same float32 whichever rows go with it:
 * the pruned traversal's picks equal the unpruned one's. Rows are padded to whole vectors
 * (chunks = paddedDim / 4) and the list's length to a multiple of four (any listed row repeats).
 * farthest-point-kernel.wat beside this file is the exact text form of buildKernel(8) (a test
 * assembles it and compares bytes). In short:
 *
 *   (func $dist (param $x i32) (param $rows i32) (param $n4 i32) (param $from i32) (param $out i32)
 *     ip = $rows
 *     loop while ip < $rows + 4·n4:
 *       r_q = $x + i32.load(ip + 4q) · rowBytes                      for q < 4
 *       acc_q = Σ_k (v128.load(r_q + 16k) − v128.load($from + 16k))²  for q < 4
 *       v128.store($out, (hsum acc_0, hsum acc_1, hsum acc_2, hsum acc_3))  ;; three pairwise adds
 *       ip += 16; $out += 16)
 */
import { Code, encodeModule, I32, OP, SIMD, V128, wasm, type ValType, type WasmMemory } from './wasm-binary.js';

export const ROW_LANES = 4;
const PAGE = 65536;
/** wasm32 memories address at most 4 GiB (65,536 pages). */
const MAX_PAGES = 65536;

/** Floats per row in kernel memory: d rounded up to whole f32x4 vectors (zero padding), at least one. */
export function paddedDim(d: number): number {
  return Math.max(1, Math.ceil(d / ROW_LANES)) * ROW_LANES;
}

export interface FarthestPointKernel {
  /**
   * Distances for n4 listed rows (a multiple of 4): byte offsets of row 0, of the list (i32 row
   * indices), of the pick's row, and of n4 float32 results.
   */
  dist: (x: number, rows: number, n4: number, from: number, out: number) => void;
  /** The kernel's memory, at least the requested size; valid until the next farthestPointKernel call. */
  buffer: ArrayBuffer;
}

const kernels = new Map<number, { memory: WasmMemory; dist: FarthestPointKernel['dist'] }>();

/**
 * The kernel for `d` dimensions with at least `bytes` of memory. One instance per
 * dimensionality is kept and its memory only grows (as sgdKernel does): the sample stage calls
 * this once per cluster, and a fresh 4 GiB reservation each time would lean on the collector.
 */
export function farthestPointKernel(d: number, bytes: number): FarthestPointKernel {
  const pages = Math.ceil(bytes / PAGE);
  if (pages > MAX_PAGES) {
    throw new RangeError(
      `diverse picks hold the cluster in WebAssembly memory, at most 4 GiB; this one needs ${(bytes / 2 ** 30).toFixed(1)} GiB. ` +
        'Use more clusters (fewer rows each) or --within random for this run',
    );
  }
  let k = kernels.get(d);
  if (!k) {
    const memory = new wasm.Memory({ initial: Math.max(1, pages) });
    const instance = new wasm.Instance(new wasm.Module(buildKernel(d)), { env: { memory } });
    k = { memory, dist: instance.exports.dist as FarthestPointKernel['dist'] };
    kernels.set(d, k);
  }
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  return { dist: k.dist, buffer: k.memory.buffer };
}

/** Lane indices (as f32x4.shuffle byte lists) for a pairwise add: (a0+a1, a2+a3, b0+b1, b2+b3). */
const EVENS = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODDS = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/** The module for `d` dimensions; farthest-point-kernel.wat lists it for d = 8. */
export function buildKernel(d: number): Uint8Array {
  const chunks = paddedDim(d) / ROW_LANES;
  const rowBytes = chunks * 16;
  const params: ValType[] = [I32, I32, I32, I32, I32];
  const [x, rows, n4, from, out] = [0, 1, 2, 3, 4];
  const locals: ValType[] = [];
  const local = (t: ValType): number => {
    locals.push(t);
    return params.length + locals.length - 1;
  };
  const ip = local(I32), end = local(I32);
  const r = [local(I32), local(I32), local(I32), local(I32)];
  const acc = [local(V128), local(V128), local(V128), local(V128)];
  const p = local(V128), diff = local(V128);

  const c = new Code();
  const hadd = (a: number, b: number): void => {
    c.get(a).get(b).shuffle(EVENS).get(a).get(b).shuffle(ODDS).simd(SIMD.f32x4Add);
  };
  c.get(rows).set(ip);
  c.get(n4).i32(2).op(OP.i32Shl).get(rows).op(OP.i32Add).set(end);
  c.block().loop(); // four listed rows per turn
  c.get(ip).get(end).op(OP.i32GeU).brIf(1);
  for (let q = 0; q < 4; q++) c.get(ip).mem(OP.i32Load, 2, 4 * q).i32(rowBytes).op(OP.i32Mul).get(x).op(OP.i32Add).set(r[q]);
  for (let k = 0; k < chunks; k++) {
    c.get(from).simdMem(SIMD.load, 16 * k).set(p);
    for (let q = 0; q < 4; q++) {
      c.get(r[q]).simdMem(SIMD.load, 16 * k).get(p);
      c.simd(SIMD.f32x4Sub).tee(diff).get(diff).simd(SIMD.f32x4Mul);
      if (k > 0) c.get(acc[q]).simd(SIMD.f32x4Add);
      c.set(acc[q]);
    }
  }
  hadd(acc[0], acc[1]);
  c.set(acc[0]);
  hadd(acc[2], acc[3]);
  c.set(acc[2]);
  c.get(out);
  hadd(acc[0], acc[2]);
  c.simdMem(SIMD.store); // the four distances
  c.get(ip).i32(16).op(OP.i32Add).set(ip);
  c.get(out).i32(16).op(OP.i32Add).set(out);
  c.br(0);
  c.end().end();
  return encodeModule({ name: 'dist', params, locals, body: c });
}
