import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../../core/onnx/model.js';
import { STATIC_INPUT, STATIC_OUTPUT, staticEmbeddingGraph } from '../../../core/onnx/static-embedding-graph.js';
import { createRng } from '../../../core/util/random.js';

const DIMS = 6, VOCAB = 30, PAD = 0, UNK = 1;

async function embed(table: Float32Array, fallback: Float32Array, ids: number[][], seq: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeModel(staticEmbeddingGraph({ table, dims: DIMS, fallback })));
  try {
    const flat = BigInt64Array.from(ids.flatMap((row) => [...row, ...new Array(seq - row.length).fill(PAD)].map(BigInt)));
    const out = await session.run({ [STATIC_INPUT]: new ort.Tensor('int64', flat, [ids.length, seq]) });
    assert.deepEqual(out[STATIC_OUTPUT].dims, [ids.length, DIMS]);
    return out[STATIC_OUTPUT].data as Float32Array;
  } finally {
    await session.release();
  }
}

test('each text is the L2-normalised mean of its word rows, padding and [UNK] ignored; a text of no known word gets the fallback', async () => {
  const rng = createRng(6);
  const table = Float32Array.from({ length: VOCAB * DIMS }, (_, i) => (i < 2 * DIMS ? 0 : rng.gaussian()));
  const fallback = new Float32Array(DIMS);
  fallback[2] = 1;
  const texts = [[5, 9, 9, 2], [7], [UNK, 12, UNK], [UNK], []];
  const out = await embed(table, fallback, texts, 5);
  texts.forEach((ids, t) => {
    const known = ids.filter((id) => id !== UNK);
    const mean = Array.from({ length: DIMS }, (_, j) => known.reduce((s, id) => s + table[id * DIMS + j], 0) / Math.max(1, known.length));
    const norm = Math.hypot(...mean);
    const want = known.length === 0 ? [...fallback] : mean.map((v) => v / norm);
    for (let j = 0; j < DIMS; j++) assert.ok(Math.abs(out[t * DIMS + j] - want[j]) < 1e-5, `text ${t} dim ${j}: ${out[t * DIMS + j]} vs ${want[j]}`);
  });
  assert.ok(out.every(Number.isFinite), 'never NaN');
});

test('a table that is not rows of dims, or a fallback of another width, is refused', () => {
  assert.throws(() => staticEmbeddingGraph({ table: new Float32Array(7), dims: DIMS, fallback: new Float32Array(DIMS) }), /not a multiple of dims/);
  assert.throws(() => staticEmbeddingGraph({ table: new Float32Array(12), dims: DIMS, fallback: new Float32Array(5) }), /fallback must have dims entries/);
});
