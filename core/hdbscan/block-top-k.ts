/**
 * The dense inner step of the neighbour searches, on onnxruntime: for a block of query rows and
 * a block of reference rows, the k smallest squared distances per query (or squared distances
 * raised to the reference rows' squared core distances) with their reference positions.
 * The searches only ever hand it rows that the kd-tree could not prune, and they recompute the
 * winners in double precision, so the float32 ‖q‖² − 2q·r + ‖r‖² here only has to rank well;
 * callers centre both blocks on the query block to keep that expansion's cancellation small.
 */
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { createKernelSession } from '../kernels/session.js';
import type { Node, ValueInfo } from '../onnx/model.js';

export interface TopK {
  /** rows × k, ascending per row. */
  values: Float32Array;
  /** rows × k positions in the reference block. */
  positions: Int32Array;
  k: number;
}

export class BlockTopK {
  private constructor(
    private readonly nearestSession: ort.InferenceSession,
    private readonly reachSession: ort.InferenceSession,
    readonly d: number,
  ) {}

  static async create(d: number, threads?: number): Promise<BlockTopK> {
    const distance: Node[] = [
      { op: 'Gemm', inputs: ['q', 'r', 'rn'], outputs: ['qr'], attributes: { alpha: { float: -2 }, transB: 1 } },
      { op: 'Add', inputs: ['qr', 'qn'], outputs: ['d2'] },
    ];
    const blocks: ValueInfo[] = [
      { name: 'q', type: 'float32', shape: ['m', d] },
      { name: 'qn', type: 'float32', shape: ['m', 1] },
      { name: 'r', type: 'float32', shape: ['n', d] },
      { name: 'rn', type: 'float32', shape: ['n'] },
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
  async nearest(q: Float32Array, qn: Float32Array, m: number, r: Float32Array, rn: Float32Array, n: number, k: number): Promise<TopK> {
    const out = await this.nearestSession.run(this.feeds(q, qn, m, r, rn, n, k));
    return { values: out.values.data as Float32Array, positions: out.positions.data as Int32Array, k };
  }

  /**
   * k smallest max(d², core_r²) per query row. The query's own core distance is left out: it is
   * the same along the row, so it cannot change which references win.
   */
  async nearestReachable(
    q: Float32Array,
    qn: Float32Array,
    m: number,
    r: Float32Array,
    rn: Float32Array,
    rcore2: Float32Array,
    n: number,
    k: number,
  ): Promise<TopK> {
    const out = await this.reachSession.run({
      ...this.feeds(q, qn, m, r, rn, n, k),
      rcore: new Tensor('float32', rcore2.subarray(0, n), [n]),
    });
    return { values: out.values.data as Float32Array, positions: out.positions.data as Int32Array, k };
  }

  async close(): Promise<void> {
    await this.nearestSession.release();
    await this.reachSession.release();
  }

  private feeds(q: Float32Array, qn: Float32Array, m: number, r: Float32Array, rn: Float32Array, n: number, k: number) {
    const d = this.d;
    return {
      q: new Tensor('float32', q.subarray(0, m * d), [m, d]),
      qn: new Tensor('float32', qn.subarray(0, m), [m, 1]),
      r: new Tensor('float32', r.subarray(0, n * d), [n, d]),
      rn: new Tensor('float32', rn.subarray(0, n), [n]),
      k: new Tensor('int64', BigInt64Array.of(BigInt(k)), [1]),
    };
  }
}

/**
 * Copies `rows` rows of `src` starting at row `from` into `dst` at row `at`, minus `centre`,
 * writing each copied row's squared norm to norms[at + i].
 */
export function copyCentred(
  src: Float32Array,
  from: number,
  rows: number,
  d: number,
  centre: Float64Array,
  dst: Float32Array,
  norms: Float32Array,
  at: number,
): void {
  for (let i = 0; i < rows; i++) {
    const so = (from + i) * d;
    const o = (at + i) * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.fround(src[so + j] - centre[j]);
      dst[o + j] = v;
      s += v * v;
    }
    norms[at + i] = s;
  }
}
