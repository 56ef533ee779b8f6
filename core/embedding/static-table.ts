/**
 * Folds a Model2Vec / sentence-transformers StaticEmbedding table into the form the static
 * embedding graph (core/onnx/static-embedding-graph.ts) takes: one row per token id, rows of
 * dropped tokens zero, and one extra zero row for padding.
 *
 * Model2Vec (MinishLab/model2vec, StaticModel.encode) embeds a text as the mean over its token
 * ids of embeddings[mapping[id]] * weights[id] (mapping and weights only when the file has
 * them: vocabulary-quantised and re-weighted models), with the tokenizer's unknown token
 * removed first, then L2-normalises. A zero row contributes nothing to the graph's sum, and the
 * normalisation cancels the 1/count of the mean, so zeroing a dropped token's row is the same
 * as removing the token.
 */

export interface StaticTableSource {
  /** Row-major [rows, dims] vectors. */
  embeddings: Float32Array;
  dims: number;
  /** Token ids the tokenizer can produce; the table gets vocabSize + 1 rows. */
  vocabSize: number;
  /** Token id → row of embeddings; identity when absent. */
  mapping?: Int32Array;
  /** Per-token-id scale; 1 when absent. */
  weights?: Float32Array;
  /** Token ids left out of the mean (Model2Vec drops the unknown token). */
  dropIds?: readonly number[];
}

export interface StaticTable {
  /** Row-major [vocabSize + 1, dims]. */
  table: Float32Array;
  dims: number;
  /** The all-zero row used for padding. */
  padId: number;
}

export function foldStaticTable({ embeddings, dims, vocabSize, mapping, weights, dropIds = [] }: StaticTableSource): StaticTable {
  if (!(dims > 0) || embeddings.length % dims !== 0) throw new Error(`embedding table of ${embeddings.length} values is not a multiple of ${dims} dims`);
  const rows = embeddings.length / dims;
  if (mapping && mapping.length !== vocabSize) throw new Error(`token mapping has ${mapping.length} entries for a ${vocabSize}-token vocabulary`);
  if (weights && weights.length !== vocabSize) throw new Error(`token weights have ${weights.length} entries for a ${vocabSize}-token vocabulary`);
  if (!mapping && rows !== vocabSize) {
    throw new Error(`embedding table has ${rows} rows but the tokenizer has ${vocabSize} tokens; the table and tokenizer.json do not belong together`);
  }
  const table = new Float32Array((vocabSize + 1) * dims);
  for (let id = 0; id < vocabSize; id++) {
    const row = mapping ? mapping[id] : id;
    if (row < 0 || row >= rows) throw new Error(`token mapping sends token ${id} to row ${row}, outside the ${rows}-row table`);
    const scale = weights ? weights[id] : 1;
    const src = row * dims;
    const dst = id * dims;
    for (let j = 0; j < dims; j++) table[dst + j] = embeddings[src + j] * scale;
  }
  for (const id of dropIds) if (id >= 0 && id < vocabSize) table.fill(0, id * dims, (id + 1) * dims);
  return { table, dims, padId: vocabSize };
}
