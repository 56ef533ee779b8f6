/**
 * Every cosine similarity between a block of b unit rows x and m rows y on onnxruntime (one
 * Gemm, b × m scores back). SemDeDup's stored pairs (core/dedup/semdedup-pairs.ts) need each
 * row's similarity to every earlier row of its cluster, not only the best one to a kept row
 * (kept-similarity.ts), so the scores come back whole and JS keeps those above a floor.
 * Callers bound b × m (dedupBlockRows in core/dedup/semdedup.ts: 16M floats).
 */
import { Tensor } from 'onnxruntime-node';
import type { ThreadChoice } from './thread-choice.js';
import { createKernelSession } from './session.js';

export class PairSimilarity {
  private constructor(
    private readonly session: ThreadChoice,
    readonly d: number,
  ) {}

  static async create(d: number, threads?: number): Promise<PairSimilarity> {
    const session = await createKernelSession(
      {
        name: 'pair_similarity',
        inputs: [
          { name: 'x', type: 'float32', shape: ['b', d] },
          { name: 'y', type: 'float32', shape: ['m', d] },
        ],
        outputs: [{ name: 'score', type: 'float32', shape: ['b', 'm'] }],
        nodes: [{ op: 'Gemm', inputs: ['x', 'y'], outputs: ['score'], attributes: { transB: 1 } }],
      },
      threads,
    );
    return new PairSimilarity(session, d);
  }

  /** `x` holds b rows, `y` m ≥ 1 rows (row-major, d wide); returns the b × m scores row-major. */
  async run(x: Float32Array, b: number, y: Float32Array, m: number): Promise<Float32Array> {
    const d = this.d;
    const out = await this.session.run(
      {
        x: new Tensor('float32', x.subarray(0, b * d), [b, d]),
        y: new Tensor('float32', y.subarray(0, m * d), [m, d]),
      },
      b * m,
    );
    return out.score.data as Float32Array;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
