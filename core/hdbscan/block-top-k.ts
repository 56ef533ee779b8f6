/**
 * The dense inner step of the neighbour searches, on onnxruntime: for a block of query rows and
 * a block of reference rows, the k smallest squared distances per query (or squared distances
 * raised to the reference rows' squared core distances) with their reference positions.
 * The searches only ever hand it rows that the kd-tree could not prune, and they recompute the
 * winners in double precision, so the float32 ‖q‖² − 2q·r + ‖r‖² here only has to rank, within
 * the error bound kernelError() (where it cannot, callers fall back to exact distances).
 * Both blocks are centred on `centre` (the query block's middle) inside the graph, which keeps
 * that expansion's cancellation small; callers pass raw rows, so their side is plain copying.
 */
import { Tensor } from 'onnxruntime-node';
import type { ThreadChoice } from '../kernels/thread-choice.js';
import { createKernelSession } from '../kernels/session.js';
import type { Node, ValueInfo } from '../onnx/model.js';

export interface TopK {
  /** rows × k, ascending per row. */
  values: Float32Array;
  /** rows × k positions in the reference block. */
  positions: Int32Array;
  k: number;
}

/**
 * A bound on |kernel value − exact squared distance| for a query and a reference row at distances
 * qNorm and rNorm from the centre: the centring, the two squared norms and the d-term dot
 * product each err by at most about d·2⁻²⁴ relative to (qNorm + rNorm)², in any summation order;
 * doubled for safety. Callers use it to tell when float32 ranking can be trusted.
 */
export function kernelError(d: number, qNorm: number, rNorm: number): number {
  const s = qNorm + rNorm;
  return 2 * (d + 5) * 2 ** -24 * s * s;
}

export class BlockTopK {
  private constructor(
    private readonly nearestSession: ThreadChoice,
    private readonly reachSession: ThreadChoice,
    readonly d: number,
  ) {}

  static async create(d: number, threads?: number): Promise<BlockTopK> {
    const distance: Node[] = [
      { op: 'Sub', inputs: ['q', 'centre'], outputs: ['qc'] },
      { op: 'Sub', inputs: ['r', 'centre'], outputs: ['rc'] },
      { op: 'ReduceSumSquare', inputs: ['qc'], outputs: ['qn'], attributes: { axes: [1], keepdims: 1 } },
      { op: 'ReduceSumSquare', inputs: ['rc'], outputs: ['rn'], attributes: { axes: [1], keepdims: 0 } },
      { op: 'Gemm', inputs: ['qc', 'rc', 'rn'], outputs: ['qr'], attributes: { alpha: { float: -2 }, transB: 1 } },
      { op: 'Add', inputs: ['qr', 'qn'], outputs: ['d2'] },
    ];
    const blocks: ValueInfo[] = [
      { name: 'q', type: 'float32', shape: ['m', d] },
      { name: 'r', type: 'float32', shape: ['n', d] },
      { name: 'centre', type: 'float32', shape: [d] },
      { name: 'k', type: 'int64', shape: [1] },
    ];
    const outputs: ValueInfo[] = [
      { name: 'values', type: 'float32', shape: ['m', 'k'] },
      { name: 'positions', type: 'int32', shape: ['m', 'k'] },
    ];
    const topK = (input: string): Node[] => [
      { op: 'TopK', inputs: [input, 'k'], outputs: ['values', 'pos64'], attributes: { largest: 0, sorted: 1 } },
      { op: 'Cast', inputs: ['pos64'], outputs: ['positions'], attributes: { to: 6 } },
    ];
    const nearestSession = await createKernelSession(
      { name: 'block_nearest', inputs: blocks, outputs, nodes: [...distance, ...topK('d2')] },
      threads,
    );
    const reachSession = await createKernelSession(
      {
        name: 'block_nearest_reachable',
        inputs: [...blocks, { name: 'rcore', type: 'float32', shape: ['n'] }],
        outputs,
        nodes: [...distance, { op: 'Max', inputs: ['d2', 'rcore'], outputs: ['reach2'] }, ...topK('reach2')],
      },
      threads,
    );
    return new BlockTopK(nearestSession, reachSession, d);
  }

  /** k nearest reference rows (by squared Euclidean distance) for each of m query rows. */
  async nearest(q: Float32Array, m: number, r: Float32Array, n: number, centre: Float32Array, k: number): Promise<TopK> {
    const out = await this.nearestSession.run(this.feeds(q, m, r, n, centre, k), m * n);
    return { values: out.values.data as Float32Array, positions: out.positions.data as Int32Array, k };
  }

  /**
   * k smallest max(d², core_r²) per query row. The query's own core distance is left out: it is
   * the same along the row, so it cannot change which references win.
   */
  async nearestReachable(q: Float32Array, m: number, r: Float32Array, rcore2: Float32Array, n: number, centre: Float32Array, k: number): Promise<TopK> {
    const out = await this.reachSession.run(
      {
        ...this.feeds(q, m, r, n, centre, k),
        rcore: new Tensor('float32', rcore2.subarray(0, n), [n]),
      },
      m * n,
    );
    return { values: out.values.data as Float32Array, positions: out.positions.data as Int32Array, k };
  }

  async close(): Promise<void> {
    await this.nearestSession.release();
    await this.reachSession.release();
  }

  private feeds(q: Float32Array, m: number, r: Float32Array, n: number, centre: Float32Array, k: number) {
    const d = this.d;
    return {
      q: new Tensor('float32', q.subarray(0, m * d), [m, d]),
      r: new Tensor('float32', r.subarray(0, n * d), [n, d]),
      centre: new Tensor('float32', centre, [d]),
      k: new Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
    };
  }
}
