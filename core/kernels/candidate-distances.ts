/**
 * The k-means++ trial step on onnxruntime: squared distances from every row to a few candidate
 * centres, each capped at the row's current closest-centre distance, i.e.
 * min(closest_i, ‖x_i − c_t‖²) as a rows × candidates matrix. Row norms are passed in (computed
 * once per fit) because with a handful of candidates recomputing them would cost as much as the
 * product itself.
 */
import { Tensor } from 'onnxruntime-node';
import type { ThreadChoice } from './thread-choice.js';
import { resolveBlockRows, createKernelSession, rowSquaredNorms, type KernelOptions } from './session.js';

export class CandidateDistances {
  private constructor(
    private readonly session: ThreadChoice,
    readonly d: number,
    readonly blockRows: number,
  ) {}

  static async create(d: number, options: KernelOptions = {}): Promise<CandidateDistances> {
    const session = await createKernelSession(
      {
        name: 'candidate_distances',
        inputs: [
          { name: 'x', type: 'float32', shape: ['b', d] },
          { name: 'xn', type: 'float32', shape: ['b', 1] },
          { name: 'closest', type: 'float32', shape: ['b', 1] },
          { name: 'c', type: 'float32', shape: ['m', d] },
          { name: 'cn', type: 'float32', shape: ['m'] },
        ],
        outputs: [{ name: 'capped', type: 'float32', shape: ['b', 'm'] }],
        nodes: [
          { op: 'Gemm', inputs: ['x', 'c', 'cn'], outputs: ['score'], attributes: { alpha: { float: -2 }, transB: 1 } },
          { op: 'Add', inputs: ['score', 'xn'], outputs: ['raw'] },
          { op: 'Relu', inputs: ['raw'], outputs: ['dist'] },
          { op: 'Min', inputs: ['dist', 'closest'], outputs: ['capped'] },
        ],
      },
      options.threads,
    );
    // With a handful of candidates the step streams x from memory; long blocks measured ~10%
    // faster than 1,024 rows (CPU time, 100k × 384, 6 candidates).
    return new CandidateDistances(session, d, resolveBlockRows(options, 16384));
  }

  /**
   * Writes min(closest[i], ‖x_i − c_t‖²) to out[i·m + t] for the n rows of x and the m candidate
   * rows of `candidates`, and returns the column sums (the potential each candidate would leave),
   * each row counted `weights[i]` times when weights are given (k-means|| reduces its weighted
   * candidates this way).
   */
  async run(
    x: Float32Array,
    n: number,
    norms: Float32Array,
    closest: Float32Array,
    candidates: Float32Array,
    m: number,
    out: Float32Array,
    weights?: Float64Array,
  ): Promise<Float64Array> {
    const d = this.d;
    const c = new Tensor('float32', candidates.subarray(0, m * d), [m, d]);
    const cn = new Tensor('float32', rowSquaredNorms(candidates, m, d), [m]);
    const potentials = new Float64Array(m);
    for (let start = 0; start < n; start += this.blockRows) {
      const b = Math.min(this.blockRows, n - start);
      const result = await this.session.run(
        {
          x: new Tensor('float32', x.subarray(start * d, (start + b) * d), [b, d]),
          xn: new Tensor('float32', norms.subarray(start, start + b), [b, 1]),
          closest: new Tensor('float32', closest.subarray(start, start + b), [b, 1]),
          c,
          cn,
        },
        b,
      );
      const capped = result.capped.data as Float32Array;
      out.set(capped, start * m);
      if (weights) {
        for (let i = 0; i < b; i++) {
          const w = weights[start + i];
          for (let t = 0; t < m; t++) potentials[t] += w * capped[i * m + t];
        }
      } else {
        for (let i = 0; i < b; i++) {
          for (let t = 0; t < m; t++) potentials[t] += capped[i * m + t];
        }
      }
    }
    return potentials;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
