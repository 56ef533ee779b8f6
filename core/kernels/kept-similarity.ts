/**
 * The blocked similarity step of SemDeDup on onnxruntime: for a block of b unit rows x and the
 * m rows kept so far, the best cosine similarity of each row to a kept row and which one
 * (one MatMul, ReduceMax and ArgMax in the graph, so only 2b numbers come back, never the
 * b × m scores), plus the b × b Gram matrix of the block for the in-block pass that JS does
 * sequentially. Memory is O(b × m) inside onnxruntime; m ≤ cluster size.
 */
import type { ThreadChoice } from './thread-choice.js';
import { Tensor } from 'onnxruntime-node';
import type { Node } from '../onnx/model.js';
import { createKernelSession } from './session.js';

const NODES: Node[] = [
  { op: 'Gemm', inputs: ['x', 'kept'], outputs: ['score'], attributes: { transB: 1 } },
  { op: 'ReduceMax', inputs: ['score'], outputs: ['best'], attributes: { axes: [1], keepdims: 0 } },
  { op: 'ArgMax', inputs: ['score'], outputs: ['arg64'], attributes: { axis: 1, keepdims: 0 } },
  { op: 'Cast', inputs: ['arg64'], outputs: ['arg'], attributes: { to: 6 } },
  { op: 'Gemm', inputs: ['x', 'x'], outputs: ['gram'], attributes: { transB: 1 } },
];

export interface KeptSimilarityResult {
  /** Best similarity of each block row to a kept row, [b]. */
  best: Float32Array;
  /** Index (into the kept rows) of that row, [b]. */
  arg: Int32Array;
  /** The block's own similarities, b × b row-major. */
  gram: Float32Array;
}

export class KeptSimilarity {
  private constructor(
    private readonly session: ThreadChoice,
    readonly d: number,
  ) {}

  static async create(d: number, threads?: number): Promise<KeptSimilarity> {
    const session = await createKernelSession(
      {
        name: 'kept_similarity',
        inputs: [
          { name: 'x', type: 'float32', shape: ['b', d] },
          { name: 'kept', type: 'float32', shape: ['m', d] },
        ],
        outputs: [
          { name: 'best', type: 'float32', shape: ['b'] },
          { name: 'arg', type: 'int32', shape: ['b'] },
          { name: 'gram', type: 'float32', shape: ['b', 'b'] },
        ],
        nodes: NODES,
      },
      threads,
    );
    return new KeptSimilarity(session, d);
  }

  /** `block` holds b rows, `kept` m ≥ 1 rows (both row-major, d wide). */
  async run(block: Float32Array, b: number, kept: Float32Array, m: number): Promise<KeptSimilarityResult> {
    const d = this.d;
    const out = await this.session.run(
      {
        x: new Tensor('float32', block.subarray(0, b * d), [b, d]),
        kept: new Tensor('float32', kept.subarray(0, m * d), [m, d]),
      },
      b * m,
    );
    return { best: out.best.data as Float32Array, arg: out.arg.data as Int32Array, gram: out.gram.data as Float32Array };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
