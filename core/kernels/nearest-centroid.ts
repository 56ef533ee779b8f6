/**
 * Nearest-centroid assignment on onnxruntime: for each row x, argmin_j ‖x − c_j‖² and that
 * squared distance. The distance expands to ‖x‖² + (‖c_j‖² − 2 x·c_j); the bracket is one Gemm
 * (MLAS) whose bias is ‖c‖², and ArgMin/ReduceMin run inside the graph, so only b labels and
 * b distances come back to JS, never the b × k score matrix.
 *
 * Centroids are graph constants: onnxruntime pre-packs them once for the Gemm, which suits
 * assigning many rows to a fixed model (`semclust infer`).
 */
import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import type { Node } from '../onnx/model.js';
import { createKernelSession, rowSquaredNorms, scoreBlockRows, type KernelOptions } from './session.js';

/** Rows `x` [b, d], centroids `c` [k, d] and their squared norms `cn` [k] to `labels` [b, 1]
 * (int32) and `dist` [b] (squared distance, ≥ 0). */
const NODES: Node[] = [
  { op: 'Gemm', inputs: ['x', 'c', 'cn'], outputs: ['score'], attributes: { alpha: { float: -2 }, transB: 1 } },
  { op: 'ArgMin', inputs: ['score'], outputs: ['label64'], attributes: { axis: 1, keepdims: 1 } },
  { op: 'Cast', inputs: ['label64'], outputs: ['labels'], attributes: { to: 6 } },
  { op: 'ReduceMin', inputs: ['score'], outputs: ['best'], attributes: { axes: [1], keepdims: 0 } },
  { op: 'ReduceSumSquare', inputs: ['x'], outputs: ['xn'], attributes: { axes: [1], keepdims: 0 } },
  { op: 'Add', inputs: ['best', 'xn'], outputs: ['raw'] },
  // Rounding in the expansion can dip just below zero for a row sitting on its centroid.
  { op: 'Relu', inputs: ['raw'], outputs: ['dist'] },
];

export class NearestCentroid {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly k: number,
    readonly d: number,
    readonly blockRows: number,
  ) {}

  static async create(centroids: Float32Array, k: number, d: number, options: KernelOptions = {}): Promise<NearestCentroid> {
    if (centroids.length !== k * d) throw new RangeError(`centroids hold ${centroids.length} values, expected k × d = ${k * d}`);
    const session = await createKernelSession(
      {
        name: 'nearest_centroid',
        inputs: [{ name: 'x', type: 'float32', shape: ['b', d] }],
        outputs: [
          { name: 'labels', type: 'int32', shape: ['b', 1] },
          { name: 'dist', type: 'float32', shape: ['b'] },
        ],
        initializers: [
          { name: 'c', dims: [k, d], data: centroids },
          { name: 'cn', dims: [k], data: rowSquaredNorms(centroids, k, d) },
        ],
        nodes: NODES,
      },
      options.threads,
    );
    return new NearestCentroid(session, k, d, scoreBlockRows(k, options));
  }

  /** Assigns `rows` rows of `block` (row-major, rows × d); writes labels and squared distances. */
  async assign(block: Float32Array, rows: number, labelsOut: Int32Array, distOut: Float32Array): Promise<void> {
    const d = this.d;
    if (block.length < rows * d) throw new RangeError(`block holds ${block.length / d} rows, asked for ${rows}`);
    if (labelsOut.length < rows || distOut.length < rows) throw new RangeError('output arrays are shorter than rows');
    for (let start = 0; start < rows; start += this.blockRows) {
      const b = Math.min(this.blockRows, rows - start);
      const x = new Tensor('float32', block.subarray(start * d, (start + b) * d), [b, d]);
      const out = await this.session.run({ x });
      labelsOut.set(out.labels.data as Int32Array, start);
      distOut.set(out.dist.data as Float32Array, start);
    }
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
