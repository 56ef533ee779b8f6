/**
 * ONNX graph of a static (word-table) sentence embedding:
 * input_ids int64 [batch, seq] → Gather → masked mean → L2 normalise → sentence_embedding [batch, dims].
 *
 * The mask is folded into the table: padding and unknown-word rows are zero, so the masked
 * sum is a plain Gather + ReduceSum, and dividing by the word count is skipped because the
 * L2 normalisation cancels any positive scale. A text whose sum is zero (no known word)
 * gets the fixed unit vector `fallback` instead, so no output is ever NaN.
 */
import type { Graph } from './model.js';

export const STATIC_INPUT = 'input_ids';
export const STATIC_OUTPUT = 'sentence_embedding';

/** Squared norms below this count as "no known word". Real sums are many orders larger. */
const EMPTY_SQUARED_NORM = 1e-20;

export interface StaticEmbeddingSpec {
  /** Row-major [vocab, dims]; rows of padding and [UNK] must be zero. */
  table: Float32Array;
  dims: number;
  /** Unit vector returned for a text with no known word. */
  fallback: Float32Array;
}

export function staticEmbeddingGraph({ table, dims, fallback }: StaticEmbeddingSpec): Graph {
  if (table.length % dims !== 0) throw new Error('table length is not a multiple of dims');
  if (fallback.length !== dims) throw new Error('fallback must have dims entries');
  return {
    name: 'static_embedding',
    inputs: [{ name: STATIC_INPUT, type: 'int64', shape: ['batch', 'seq'] }],
    outputs: [{ name: STATIC_OUTPUT, type: 'float32', shape: ['batch', dims] }],
    initializers: [
      { name: 'table', dims: [table.length / dims, dims], data: table },
      { name: 'seq_axis', dims: [1], data: new BigInt64Array([1n]) },
      { name: 'empty_norm', dims: [], data: new Float32Array([EMPTY_SQUARED_NORM]) },
      { name: 'fallback', dims: [dims], data: fallback },
    ],
    nodes: [
      { op: 'Gather', inputs: ['table', STATIC_INPUT], outputs: ['word_vectors'], attributes: { axis: 0 } },
      { op: 'ReduceSum', inputs: ['word_vectors', 'seq_axis'], outputs: ['sum'], attributes: { keepdims: 0 } },
      { op: 'ReduceSumSquare', inputs: ['sum'], outputs: ['squared_norm'], attributes: { axes: [1], keepdims: 1 } },
      { op: 'Less', inputs: ['squared_norm', 'empty_norm'], outputs: ['is_empty'] },
      { op: 'Where', inputs: ['is_empty', 'fallback', 'sum'], outputs: ['pooled'] },
      { op: 'LpNormalization', inputs: ['pooled'], outputs: [STATIC_OUTPUT], attributes: { axis: 1, p: 2 } },
    ],
  };
}
