/**
 * UMAP's layout optimisation: stochastic gradient descent on the fuzzy-set cross entropy
 * between the high-dimensional graph and the low-dimensional similarities 1/(1 + a·d^2b).
 * As umap-learn's optimize_layout_euclidean: each edge is sampled in proportion to its
 * weight (an edge of weight w every max/w epochs) and attracts its ends; every positive
 * sample is followed by negativeSampleRate random repulsions of the head; gradient
 * components are clipped to ±4; the learning rate decays linearly to 0. One difference:
 * the repulsions following a positive sample are all measured from the head's position
 * after the attraction and then summed, rather than each from where the previous one left
 * it, which lets them run in parallel in the CPU. Single-threaded and driven by one seeded
 * Rng, so a seed fixes the result. The epoch loop runs as generated WebAssembly
 * (sgd-kernel.ts).
 *
 * Fitting moves both ends of an edge inside one embedding (head and tail are the same
 * array); transforming moves only the new points (heads) against the fixed fitted ones.
 */
import type { OnStep } from '../util/progress-event.js';
import type { Rng } from '../util/random.js';
import { paddedDim, powTables, sgdKernel } from './sgd-kernel.js';

export interface LayoutEdges {
  head: Int32Array;
  tail: Int32Array;
  weights: Float32Array;
}

export interface OptimizeLayoutOptions {
  dim: number;
  nEpochs: number;
  a: number;
  b: number;
  /** Weight of the repulsive term. */
  gamma: number;
  initialAlpha: number;
  negativeSampleRate: number;
  /** Move the tail of each positive sample too (fitting, with tail === head embedding). */
  moveOther: boolean;
  /**
   * The weight sampled every epoch; default the largest edge weight. Transform passes 1 so
   * that a row's sampling does not depend on which other rows share its block.
   */
  fullWeight?: number;
  rng: Rng;
  /** Called before each epoch with the epochs done of nEpochs. */
  onStep?: OnStep;
}

/**
 * Optimises `headEmbedding` (rows × dim) in place. `tailEmbedding` holds the `nTail`
 * points negative samples are drawn from; with moveOther it must be `headEmbedding` itself.
 */
export function optimizeLayout(
  headEmbedding: Float32Array,
  tailEmbedding: Float32Array,
  nTail: number,
  edges: LayoutEdges,
  options: OptimizeLayoutOptions,
): void {
  const { dim, nEpochs, a, b, gamma, initialAlpha, negativeSampleRate, moveOther, rng } = options;
  if (moveOther && headEmbedding !== tailEmbedding) throw new Error('moveOther needs one shared embedding');
  const { head, tail, weights } = edges;
  const nEdges = head.length;
  const nHead = headEmbedding.length / dim;
  const width = paddedDim(dim);
  const rowBytes = width * 4;

  let full = options.fullWeight ?? 0;
  if (options.fullWeight === undefined) for (let e = 0; e < nEdges; e++) full = Math.max(full, weights[e]);

  const tables = powTables(b);
  const layout = new MemoryLayout();
  const headRows = layout.take(nHead * rowBytes);
  const tailRows = moveOther ? headRows : layout.take(nTail * rowBytes);
  const headIndex = layout.take(nEdges * 4);
  const tailIndex = layout.take(nEdges * 4);
  const epochsPerSample = layout.take(nEdges * 8);
  const nextSample = layout.take(nEdges * 8);
  const epochsPerNegative = layout.take(nEdges * 8);
  const nextNegative = layout.take(nEdges * 8);
  const exponentTable = layout.take(tables.exponent.byteLength);
  const mantissaTable = layout.take(tables.mantissa.byteLength);
  const rngState = layout.take(16);

  const { epoch, buffer: buf } = sgdKernel(dim, layout.size);
  copyRows(headEmbedding, dim, new Float32Array(buf, headRows, nHead * width), width);
  if (!moveOther) copyRows(tailEmbedding, dim, new Float32Array(buf, tailRows, nTail * width), width);
  new Int32Array(buf, headIndex, nEdges).set(head);
  new Int32Array(buf, tailIndex, nEdges).set(tail);
  // An edge of weight w fires every full/w epochs; edges lighter than full/nEpochs never do.
  const eps = new Float64Array(buf, epochsPerSample, nEdges);
  for (let e = 0; e < nEdges; e++) eps[e] = weights[e] > 0 ? full / weights[e] : Infinity;
  new Float64Array(buf, nextSample, nEdges).set(eps);
  const epn = new Float64Array(buf, epochsPerNegative, nEdges);
  for (let e = 0; e < nEdges; e++) epn[e] = eps[e] / negativeSampleRate;
  new Float64Array(buf, nextNegative, nEdges).set(epn);
  new Float64Array(buf, exponentTable, tables.exponent.length).set(tables.exponent);
  new Float64Array(buf, mantissaTable, tables.mantissa.length).set(tables.mantissa);
  const state = new Uint32Array(buf, rngState, 4);
  for (let i = 0; i < 4; i++) state[i] = rng.int(0x100000000);
  state[0] |= 1; // xorshift128 must not start from all zeros

  for (let n = 0; n < nEpochs; n++) {
    options.onStep?.(n, nEpochs);
    epoch(
      headRows, tailRows, headIndex, tailIndex, epochsPerSample, nextSample, epochsPerNegative, nextNegative,
      exponentTable, mantissaTable, rngState, nEdges, nTail, n, moveOther ? 1 : 0,
      a, -2 * a * b, 2 * gamma * b, initialAlpha * (1 - n / nEpochs),
    );
  }
  copyRows(new Float32Array(buf, headRows, nHead * width), width, headEmbedding, dim);
  options.onStep?.(nEpochs, nEpochs);
}

/** Consecutive 16-byte-aligned regions of the kernel's linear memory. */
class MemoryLayout {
  size = 0;
  take(bytes: number): number {
    const at = this.size;
    this.size += Math.ceil(bytes / 16) * 16;
    return at;
  }
}

/**
 * Copies rows between layouts of `fromWidth` and `toWidth` floats per row. Padding is
 * zeroed: the kernel's memory is reused, and the distance sums run over the padding lanes.
 */
function copyRows(from: Float32Array, fromWidth: number, to: Float32Array, toWidth: number): void {
  const rows = from.length / fromWidth, w = Math.min(fromWidth, toWidth);
  for (let i = 0; i < rows; i++) {
    to.set(from.subarray(i * fromWidth, i * fromWidth + w), i * toWidth);
    if (toWidth > w) to.fill(0, i * toWidth + w, (i + 1) * toWidth);
  }
}
