/**
 * One farthest-point step as a WebAssembly function generated for one dimensionality: for
 * every row i, minDist[i] = min(minDist[i], ‖x_i − x_p‖²), and per SIMD lane the largest
 * minDist and its row. Four rows go through together, each with its own f32x4 accumulator
 * and one shared load of the pick's row, as a BLAS gemv kernel streams several rows at once:
 * the pass then runs at memory speed. Scalar JavaScript spent one dependent add per coordinate
 * (26 ms per pick on 200k × 100, against 8.7 ms for numpy's one-thread OpenBLAS gemv, same
 * run); one row at a time in f32x4 lanes measured 5.3 ms against numpy's 4.2 ms, four rows 3.4 ms.
 *
 * The algorithm and its contract are in core/sample/farthest-point.ts; this file is only its
 * machine form. Rows are padded to whole vectors (chunks = paddedDim / 4) and their count to
 * a multiple of four; padding rows and taken rows hold minDist −1, which the min keeps.
 * farthest-point-kernel.wat beside this file is the exact text form of buildKernel(8) (a test
 * assembles it and compares bytes). In short:
 *
 *   (func $step (param $x i32) (param $min i32) (param $n4 i32) (param $from i32) (param $out i32)
 *     far = splat(−1); at = splat(−1); idx = (0, 1, 2, 3); row = $x; mp = $min
 *     loop while mp < $min + 4·n4:
 *       acc_r = Σ_k (v128.load(row + r·rowBytes + 16k) − v128.load($from + 16k))²  for r < 4
 *       dist = (hsum acc_0, hsum acc_1, hsum acc_2, hsum acc_3)     ;; three pairwise adds
 *       m = f32x4.pmin(v128.load(mp), dist); v128.store(mp, m)      ;; dist < m ? dist : m
 *       up = f32x4.gt(m, far); far = bitselect(m, far, up); at = bitselect(idx, at, up)
 *       idx += 4; row += 4·rowBytes; mp += 16
 *     v128.store($out, far); v128.store($out + 16, at))
 *
 * Within a lane the strict > keeps the lowest row among ties; the caller picks across lanes.
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
   * One step over n4 rows (a multiple of 4): byte offsets of the rows, of minDist, of the new
   * pick's row, and of 32 bytes where each lane's largest minDist (f32) and its row (i32) go.
   */
  step: (x: number, minDist: number, n4: number, from: number, out: number) => void;
  /** The kernel's memory, at least the requested size; valid until the next farthestPointKernel call. */
  buffer: ArrayBuffer;
}

const kernels = new Map<number, { memory: WasmMemory; step: FarthestPointKernel['step'] }>();

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
    k = { memory, step: instance.exports.step as FarthestPointKernel['step'] };
    kernels.set(d, k);
  }
  const have = k.memory.buffer.byteLength;
  if (have < bytes) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  return { step: k.step, buffer: k.memory.buffer };
}

/** Lane indices (as f32x4.shuffle byte lists) for a pairwise add: (a0+a1, a2+a3, b0+b1, b2+b3). */
const EVENS = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODDS = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/** The module for `d` dimensions; farthest-point-kernel.wat lists it for d = 8. */
export function buildKernel(d: number): Uint8Array {
  const chunks = paddedDim(d) / ROW_LANES;
  const rowBytes = chunks * 16;
  const params: ValType[] = [I32, I32, I32, I32, I32];
  const [x, minDist, n4, from, out] = [0, 1, 2, 3, 4];
  const locals: ValType[] = [];
  const local = (t: ValType): number => {
    locals.push(t);
    return params.length + locals.length - 1;
  };
  const row = local(I32), mp = local(I32), end = local(I32);
  const acc = [local(V128), local(V128), local(V128), local(V128)];
  const p = local(V128), diff = local(V128), m = local(V128), up = local(V128);
  const far = local(V128), at = local(V128), idx = local(V128), four = local(V128);

  const c = new Code();
  const hadd = (a: number, b: number): void => {
    c.get(a).get(b).shuffle(EVENS).get(a).get(b).shuffle(ODDS).simd(SIMD.f32x4Add);
  };
  c.f32(-1).simd(SIMD.f32x4Splat).set(far);
  c.i32(-1).simd(SIMD.i32x4Splat).set(at);
  c.i32(4).simd(SIMD.i32x4Splat).set(four);
  c.v128(new Float32Array(new Int32Array([0, 1, 2, 3]).buffer)).set(idx);
  c.get(x).set(row).get(minDist).set(mp);
  c.get(n4).i32(2).op(OP.i32Shl).get(minDist).op(OP.i32Add).set(end);
  c.block().loop(); // groups of four rows
  c.get(mp).get(end).op(OP.i32GeU).brIf(1);
  for (let k = 0; k < chunks; k++) {
    c.get(from).simdMem(SIMD.load, 16 * k).set(p);
    for (let r = 0; r < 4; r++) {
      c.get(row).simdMem(SIMD.load, r * rowBytes + 16 * k).get(p);
      c.simd(SIMD.f32x4Sub).tee(diff).get(diff).simd(SIMD.f32x4Mul);
      if (k > 0) c.get(acc[r]).simd(SIMD.f32x4Add);
      c.set(acc[r]);
    }
  }
  hadd(acc[0], acc[1]);
  c.set(acc[0]);
  hadd(acc[2], acc[3]);
  c.set(acc[2]);
  hadd(acc[0], acc[2]);
  c.set(diff); // the four distances
  c.get(mp).get(mp).simdMem(SIMD.load).get(diff).simd(SIMD.f32x4Pmin).tee(m).simdMem(SIMD.store);
  c.get(m).get(far).simd(SIMD.f32x4Gt).set(up);
  c.get(m).get(far).get(up).simd(SIMD.bitselect).set(far);
  c.get(idx).get(at).get(up).simd(SIMD.bitselect).set(at);
  c.get(idx).get(four).simd(SIMD.i32x4Add).set(idx);
  c.get(row).i32(4 * rowBytes).op(OP.i32Add).set(row);
  c.get(mp).i32(16).op(OP.i32Add).set(mp);
  c.br(0);
  c.end().end();
  c.get(out).get(far).simdMem(SIMD.store);
  c.get(out).get(at).simdMem(SIMD.store, 16);
  return encodeModule({ name: 'step', params, locals, body: c });
}
