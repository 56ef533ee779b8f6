import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { bertEncoderGraph, bertParameters, randomBertWeights, type BertConfig, type BertWeights, type Linear, type Norm } from '../../../core/onnx/bert-encoder-graph.js';
import { encodeModel } from '../../../core/onnx/model.js';
import { createRng } from '../../../core/util/random.js';

const TINY: BertConfig = { layers: 2, hidden: 8, heads: 2, intermediate: 16, vocab: 40, maxPositions: 12, typeVocab: 2, epsilon: 1e-12 };

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): JavaScript has no Math.erf. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

/** Plain-JS BertModel forward of one unpadded sequence (token type 0): [seq, hidden]. */
function reference(w: BertWeights, ids: number[]): Float64Array[] {
  const { hidden: h, heads } = w.config;
  const hd = h / heads;
  const lin = (x: Float64Array, l: Linear, out: number): Float64Array => {
    const y = Float64Array.from(l.b);
    for (let i = 0; i < x.length; i++) for (let j = 0; j < out; j++) y[j] += x[i] * l.w[i * out + j];
    return y;
  };
  const ln = (x: Float64Array, n: Norm): Float64Array => {
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
    return x.map((v, j) => ((v - mean) / Math.sqrt(variance + w.config.epsilon)) * n.gamma[j] + n.beta[j]);
  };
  let x = ids.map((id, t) => ln(Float64Array.from({ length: h }, (_, j) => w.word[id * h + j] + w.position[t * h + j] + w.tokenType[j]), w.embeddingNorm));
  for (const l of w.layers) {
    const q = x.map((r) => lin(r, l.q, h)), k = x.map((r) => lin(r, l.k, h)), v = x.map((r) => lin(r, l.v, h));
    const ctx = x.map(() => new Float64Array(h));
    for (let head = 0; head < heads; head++) {
      for (let t = 0; t < x.length; t++) {
        const s = k.map((kr) => {
          let dot = 0;
          for (let j = head * hd; j < (head + 1) * hd; j++) dot += q[t][j] * kr[j];
          return dot / Math.sqrt(hd);
        });
        const max = Math.max(...s);
        const e = s.map((z) => Math.exp(z - max));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let u = 0; u < x.length; u++) for (let j = head * hd; j < (head + 1) * hd; j++) ctx[t][j] += (e[u] / sum) * v[u][j];
      }
    }
    const x1 = x.map((r, t) => ln(lin(ctx[t], l.o, h).map((z, j) => z + r[j]), l.attentionNorm));
    x = x1.map((r) => {
      const up = lin(r, l.up, w.config.intermediate).map((z) => z * 0.5 * (1 + erf(z / Math.SQRT2)));
      return ln(lin(up, l.down, h).map((z, j) => z + r[j]), l.outputNorm);
    });
  }
  return x;
}

test('the ONNX BERT graph equals a plain-JS BertModel forward pass, and padding does not change real tokens', async () => {
  const w = randomBertWeights(TINY, createRng(3));
  const session = await ort.InferenceSession.create(encodeModel(bertEncoderGraph(w)));
  const rows = [[2, 17, 5, 33, 9, 3], [2, 8, 3]];
  const seq = 6;
  const ids = new BigInt64Array(rows.length * seq);
  const mask = new BigInt64Array(rows.length * seq);
  rows.forEach((r, b) => r.forEach((id, t) => ((ids[b * seq + t] = BigInt(id)), (mask[b * seq + t] = 1n))));
  const dims = [rows.length, seq];
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(ids.length), dims),
  });
  const hidden = out.last_hidden_state.data as Float32Array;
  assert.deepEqual(out.last_hidden_state.dims, [2, 6, 8]);
  rows.forEach((r, b) => {
    reference(w, r).forEach((want, t) => {
      for (let j = 0; j < TINY.hidden; j++) {
        const got = hidden[(b * seq + t) * TINY.hidden + j];
        assert.ok(Math.abs(got - want[j]) < 1e-4, `row ${b} token ${t} dim ${j}: ${got} vs ${want[j]}`);
      }
    });
  });
  await session.release();
});

test('bertParameters lists every tensor once under BertModel names, linear weights as [in, out]', () => {
  const w = randomBertWeights(TINY, createRng(4));
  const params = bertParameters(w);
  const perLayer = 16;
  assert.equal(params.length, 5 + TINY.layers * perLayer);
  assert.equal(new Set(params.map((p) => p.name)).size, params.length);
  const up = params.find((p) => p.name === 'encoder.layer.1.intermediate.dense.weight')!;
  assert.deepEqual(up.dims, [TINY.hidden, TINY.intermediate]);
  assert.equal(up.data, w.layers[1].up.w);
  for (const p of params) assert.equal(p.data.length, p.dims.reduce((a, b) => a * b, 1), p.name);
});
