import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldStaticTable } from '../../../core/embedding/static-table.js';
import { createRng } from '../../../core/util/random.js';

/** Model2Vec's StaticModel.encode for one text, written from its definition: mean of scaled rows, then L2 norm. */
function model2vecEncode(ids: number[], e: Float32Array, dims: number, mapping: Int32Array, weights: Float32Array, drop: Set<number>): number[] {
  const kept = ids.filter((id) => !drop.has(id));
  const v = new Array<number>(dims).fill(0);
  for (const id of kept) for (let j = 0; j < dims; j++) v[j] += (e[mapping[id] * dims + j] * weights[id]) / kept.length;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

test('without mapping or weights the table is the embeddings plus one zero pad row', () => {
  const embeddings = Float32Array.of(1, 2, 3, 4, 5, 6);
  const { table, dims, padId } = foldStaticTable({ embeddings, dims: 2, vocabSize: 3 });
  assert.equal(dims, 2);
  assert.equal(padId, 3);
  assert.deepEqual([...table], [1, 2, 3, 4, 5, 6, 0, 0]);
});

test('summing folded rows and normalising equals Model2Vec’s mean of mapped, weighted rows with the unknown token dropped', () => {
  const rng = createRng(2);
  const rows = 6, dims = 4, vocab = 15, unk = 1;
  const embeddings = Float32Array.from({ length: rows * dims }, () => rng.gaussian());
  const mapping = Int32Array.from({ length: vocab }, () => rng.int(rows));
  const weights = Float32Array.from({ length: vocab }, () => 0.1 + rng.next());
  const { table, padId } = foldStaticTable({ embeddings, dims, vocabSize: vocab, mapping, weights, dropIds: [unk] });
  for (let trial = 0; trial < 20; trial++) {
    const ids = Array.from({ length: 2 + rng.int(6) }, () => rng.int(vocab));
    if (ids.every((id) => id === unk)) continue;
    const padded = [...ids, padId, padId];
    const sum = new Array<number>(dims).fill(0);
    for (const id of padded) for (let j = 0; j < dims; j++) sum[j] += table[id * dims + j];
    const norm = Math.hypot(...sum);
    const want = model2vecEncode(ids, embeddings, dims, mapping, weights, new Set([unk]));
    for (let j = 0; j < dims; j++) assert.ok(Math.abs(sum[j] / norm - want[j]) < 1e-5, `trial ${trial} dim ${j}`);
  }
});

test('a table that does not fit its tokenizer or mapping is refused with what disagrees', () => {
  const embeddings = new Float32Array(6);
  assert.throws(() => foldStaticTable({ embeddings, dims: 4, vocabSize: 1 }), /6 values is not a multiple of 4 dims/);
  assert.throws(() => foldStaticTable({ embeddings, dims: 2, vocabSize: 4 }), /3 rows but the tokenizer has 4 tokens/);
  assert.throws(() => foldStaticTable({ embeddings, dims: 2, vocabSize: 2, mapping: Int32Array.of(0) }), /mapping has 1 entries for a 2-token/);
  assert.throws(() => foldStaticTable({ embeddings, dims: 2, vocabSize: 2, weights: Float32Array.of(1) }), /weights have 1 entries for a 2-token/);
  assert.throws(() => foldStaticTable({ embeddings, dims: 2, vocabSize: 2, mapping: Int32Array.of(0, 3) }), /sends token 1 to row 3, outside the 3-row table/);
});
