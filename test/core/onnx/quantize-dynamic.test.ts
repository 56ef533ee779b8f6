import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { bertEncoderGraph, randomBertWeights, type BertConfig } from '../../../core/onnx/bert-encoder-graph.js';
import { encodeModel } from '../../../core/onnx/model.js';
import { quantizeColumns, quantizeDynamic } from '../../../core/onnx/quantize-dynamic.js';
import { meanPool } from '../../../core/embedding/pooling.js';
import { createRng } from '../../../core/util/random.js';

test('quantizeColumns: symmetric int8 per column, worked by hand', () => {
  // Columns [1, -0.25] and [0.254, 0.1]: scales 1/127 and 0.002, so -0.25 → -31.75 → -32 and
  // 0.1 → 50; a zero column keeps scale 1.
  const { q, scale } = quantizeColumns(Float32Array.of(1, 0.254, 0, -0.25, 0.1, 0), 2, 3);
  assert.deepEqual(Array.from(q), [127, 127, 0, -32, 50, 0]);
  assert.ok(Math.abs(scale[0] - 1 / 127) < 1e-9 && Math.abs(scale[1] - 0.002) < 1e-9);
  assert.equal(scale[2], 1);
});

const CONFIG: BertConfig = { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocab: 100, maxPositions: 32, typeVocab: 2, epsilon: 1e-12 };

async function pooled(bytes: Uint8Array, ids: BigInt64Array, mask: BigInt64Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), dims),
  });
  await session.release();
  return meanPool(out.last_hidden_state.data as Float32Array, Uint8Array.from(mask, Number), dims[0], dims[1], CONFIG.hidden);
}

test('every weight MatMul becomes MatMulInteger on int8 weights, and sentence vectors stay within cosine 0.99 of fp32', async () => {
  const w = randomBertWeights(CONFIG, createRng(9));
  const graph = bertEncoderGraph(w);
  const q8 = quantizeDynamic(graph);
  const count = (g: typeof graph, op: string): number => g.nodes.filter((n) => n.op === op).length;
  // Six weight MatMuls per layer (q, k, v, output, up, down); the two attention MatMuls stay float.
  assert.equal(count(q8, 'MatMulInteger'), 6 * CONFIG.layers);
  assert.equal(count(q8, 'MatMul'), 2 * CONFIG.layers);
  // q, k and v read the same input: one DynamicQuantizeLinear serves all three.
  assert.equal(count(q8, 'DynamicQuantizeLinear'), 4 * CONFIG.layers);
  const names = new Set((q8.initializers ?? []).map((t) => t.name));
  assert.ok(!names.has('encoder.layer.0.attention.self.query.weight') && names.has('encoder.layer.0.attention.self.query.weight_quantized'));
  assert.ok((q8.initializers ?? []).find((t) => t.name === 'encoder.layer.1.output.dense.weight_quantized')!.data instanceof Int8Array);

  const rng = createRng(10);
  const [b, s] = [8, 12];
  const ids = BigInt64Array.from({ length: b * s }, () => BigInt(rng.int(CONFIG.vocab)));
  const mask = BigInt64Array.from({ length: b * s }, (_, i) => (i % s < s - (i / s | 0) ? 1n : 0n));
  const a = await pooled(encodeModel(graph), ids, mask, [b, s]);
  const c = await pooled(encodeModel(q8), ids, mask, [b, s]);
  for (let r = 0; r < b; r++) {
    let dot = 0, na = 0, nc = 0;
    for (let j = 0; j < CONFIG.hidden; j++) {
      const [x, y] = [a[r * CONFIG.hidden + j], c[r * CONFIG.hidden + j]];
      dot += x * y;
      na += x * x;
      nc += y * y;
    }
    const cos = dot / Math.sqrt(na * nc);
    assert.ok(cos > 0.99 && cos < 1 + 1e-6, `row ${r}: cosine ${cos}`);
    assert.ok(a.subarray(r * CONFIG.hidden, (r + 1) * CONFIG.hidden).some((x, j) => x !== c[r * CONFIG.hidden + j]), 'the int8 path really ran');
  }
});
