/**
 * A BERT encoder (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers";
 * post-LayerNorm blocks with erf GELU, as Hugging Face's BertModel) as an ONNX graph, built from
 * weights in code. It is laid out the way `optimum-cli export onnx` writes a sentence-transformers
 * model (input_ids, attention_mask, token_type_ids → last_hidden_state), op for op, so
 * onnxruntime's graph optimiser sees the patterns it fuses in real exports, and so
 * quantizeDynamic rewrites it as it would a downloaded one.
 *
 * Weights are plain arrays: a linear layer's w is [in, out] row-major (x · w + b, as ONNX
 * MatMul reads it; PyTorch's nn.Linear holds the transpose).
 */
import type { Rng } from '../util/random.js';
import type { Graph, Initializer, Node } from './model.js';

export interface BertConfig {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocab: number;
  /** Rows of the position table: the longest sequence the graph runs. */
  maxPositions: number;
  typeVocab: number;
  /** LayerNorm epsilon (BERT: 1e-12). */
  epsilon: number;
}

/** all-MiniLM-L6-v2's shape (sentence-transformers), the model most users cluster with. */
export const MINILM_L6: BertConfig = {
  layers: 6, hidden: 384, heads: 12, intermediate: 1536, vocab: 30522, maxPositions: 512, typeVocab: 2, epsilon: 1e-12,
};

export interface Linear {
  w: Float32Array;
  b: Float32Array;
}
export interface Norm {
  gamma: Float32Array;
  beta: Float32Array;
}
export interface BertLayerWeights {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
  attentionNorm: Norm;
  up: Linear;
  down: Linear;
  outputNorm: Norm;
}
export interface BertWeights {
  config: BertConfig;
  word: Float32Array;
  position: Float32Array;
  tokenType: Float32Array;
  embeddingNorm: Norm;
  layers: BertLayerWeights[];
}

/**
 * Seeded random weights of a trained model's scale: tables N(0, 1) (LayerNorm follows),
 * linear weights N(0, 1/in) so activations neither vanish nor blow up across layers, biases
 * and LayerNorm offsets N(0, 0.02²), LayerNorm scales 1 + N(0, 0.02²).
 */
export function randomBertWeights(config: BertConfig, rng: Rng): BertWeights {
  const g = (n: number, scale: number, shift = 0): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = shift + rng.gaussian() * scale;
    return a;
  };
  const { hidden: h, intermediate: f } = config;
  const linear = (inp: number, out: number): Linear => ({ w: g(inp * out, 1 / Math.sqrt(inp)), b: g(out, 0.02) });
  const norm = (): Norm => ({ gamma: g(h, 0.02, 1), beta: g(h, 0.02) });
  return {
    config,
    word: g(config.vocab * h, 1),
    position: g(config.maxPositions * h, 1),
    tokenType: g(config.typeVocab * h, 1),
    embeddingNorm: norm(),
    layers: Array.from({ length: config.layers }, () => ({
      q: linear(h, h), k: linear(h, h), v: linear(h, h), o: linear(h, h),
      attentionNorm: norm(),
      up: linear(h, f), down: linear(f, h),
      outputNorm: norm(),
    })),
  };
}

/** Every tensor with its Hugging Face BertModel parameter name, for exporting to a peer. */
export function bertParameters(w: BertWeights): { name: string; dims: number[]; data: Float32Array; linear: boolean }[] {
  const { hidden: h, intermediate: f } = w.config;
  const out: { name: string; dims: number[]; data: Float32Array; linear: boolean }[] = [
    { name: 'embeddings.word_embeddings.weight', dims: [w.config.vocab, h], data: w.word, linear: false },
    { name: 'embeddings.position_embeddings.weight', dims: [w.config.maxPositions, h], data: w.position, linear: false },
    { name: 'embeddings.token_type_embeddings.weight', dims: [w.config.typeVocab, h], data: w.tokenType, linear: false },
    { name: 'embeddings.LayerNorm.weight', dims: [h], data: w.embeddingNorm.gamma, linear: false },
    { name: 'embeddings.LayerNorm.bias', dims: [h], data: w.embeddingNorm.beta, linear: false },
  ];
  w.layers.forEach((l, i) => {
    const p = `encoder.layer.${i}.`;
    const lin = (name: string, x: Linear, inp: number, o: number): void => {
      out.push({ name: `${p}${name}.weight`, dims: [inp, o], data: x.w, linear: true }, { name: `${p}${name}.bias`, dims: [o], data: x.b, linear: false });
    };
    const nrm = (name: string, x: Norm): void => {
      out.push({ name: `${p}${name}.weight`, dims: [h], data: x.gamma, linear: false }, { name: `${p}${name}.bias`, dims: [h], data: x.beta, linear: false });
    };
    lin('attention.self.query', l.q, h, h);
    lin('attention.self.key', l.k, h, h);
    lin('attention.self.value', l.v, h, h);
    lin('attention.output.dense', l.o, h, h);
    nrm('attention.output.LayerNorm', l.attentionNorm);
    lin('intermediate.dense', l.up, h, f);
    lin('output.dense', l.down, f, h);
    nrm('output.LayerNorm', l.outputNorm);
  });
  return out;
}

/**
 * The encoder graph: inputs input_ids, attention_mask, token_type_ids (int64 [batch, seq]),
 * output last_hidden_state (float32 [batch, seq, hidden]). Padding keys get −10000 added to
 * their scores before the softmax, as BertModel's extended attention mask does.
 */
export function bertEncoderGraph(w: BertWeights): Graph {
  const c = w.config;
  const headDim = c.hidden / c.heads;
  if (!Number.isInteger(headDim)) throw new RangeError(`hidden ${c.hidden} is not a multiple of heads ${c.heads}`);
  const init: Initializer[] = [];
  const nodes: Node[] = [];
  const add = (op: string, inputs: string[], output: string, attributes?: Node['attributes']): string => {
    nodes.push({ op, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  };
  const tensor = (name: string, dims: number[], data: Initializer['data']): string => {
    init.push({ name, dims, data });
    return name;
  };
  const f32 = (name: string, v: number): string => tensor(name, [], new Float32Array([v]));
  const epsilon = { float: c.epsilon };

  f32('one', 1);
  f32('mask_fill', -10000);
  f32('score_scale', Math.sqrt(headDim));
  f32('sqrt2', Math.SQRT2);
  f32('half', 0.5);
  tensor('i0', [], new BigInt64Array([0n]));
  tensor('i1', [], new BigInt64Array([1n]));
  tensor('mask_axes', [2], new BigInt64Array([1n, 2n]));
  tensor('heads_shape', [4], new BigInt64Array([0n, 0n, BigInt(c.heads), BigInt(headDim)]));
  tensor('hidden_shape', [3], new BigInt64Array([0n, 0n, BigInt(c.hidden)]));

  // Embeddings: word + position + token type, then LayerNorm.
  tensor('embeddings.word_embeddings.weight', [c.vocab, c.hidden], w.word);
  tensor('embeddings.position_embeddings.weight', [c.maxPositions, c.hidden], w.position);
  tensor('embeddings.token_type_embeddings.weight', [c.typeVocab, c.hidden], w.tokenType);
  tensor('embeddings.LayerNorm.weight', [c.hidden], w.embeddingNorm.gamma);
  tensor('embeddings.LayerNorm.bias', [c.hidden], w.embeddingNorm.beta);
  add('Gather', ['embeddings.word_embeddings.weight', 'input_ids'], 'emb_word');
  add('Shape', ['input_ids'], 'ids_shape');
  add('Gather', ['ids_shape', 'i1'], 'seq_len');
  add('Range', ['i0', 'seq_len', 'i1'], 'position_ids');
  add('Gather', ['embeddings.position_embeddings.weight', 'position_ids'], 'emb_pos');
  add('Gather', ['embeddings.token_type_embeddings.weight', 'token_type_ids'], 'emb_type');
  add('Add', ['emb_word', 'emb_pos'], 'emb_sum0');
  add('Add', ['emb_sum0', 'emb_type'], 'emb_sum');
  let x = add('LayerNormalization', ['emb_sum', 'embeddings.LayerNorm.weight', 'embeddings.LayerNorm.bias'], 'emb_out', { axis: -1, epsilon });

  // Extended attention mask: (1 − mask) · −10000, shaped [batch, 1, 1, seq].
  add('Unsqueeze', ['attention_mask', 'mask_axes'], 'mask4');
  add('Cast', ['mask4'], 'mask4_f', { to: 1 });
  add('Sub', ['one', 'mask4_f'], 'mask_inv');
  add('Mul', ['mask_inv', 'mask_fill'], 'mask_bias');

  const linear = (p: string, input: string, l: Linear, inp: number, out: number): string => {
    tensor(`${p}.weight`, [inp, out], l.w);
    tensor(`${p}.bias`, [out], l.b);
    add('MatMul', [input, `${p}.weight`], `${p}/MatMul`);
    return add('Add', [`${p}/MatMul`, `${p}.bias`], `${p}/Add`);
  };
  const layerNorm = (p: string, input: string, n: Norm): string => {
    tensor(`${p}.weight`, [c.hidden], n.gamma);
    tensor(`${p}.bias`, [c.hidden], n.beta);
    return add('LayerNormalization', [input, `${p}.weight`, `${p}.bias`], `${p}/out`, { axis: -1, epsilon });
  };

  w.layers.forEach((l, i) => {
    const p = `encoder.layer.${i}`;
    const heads = (name: string, lin: Linear, perm: number[]): string => {
      const y = linear(`${p}.attention.self.${name}`, x, lin, c.hidden, c.hidden);
      add('Reshape', [y, 'heads_shape'], `${p}/${name}_heads`);
      return add('Transpose', [`${p}/${name}_heads`], `${p}/${name}_t`, { perm });
    };
    const q = heads('query', l.q, [0, 2, 1, 3]);
    const k = heads('key', l.k, [0, 2, 3, 1]);
    const v = heads('value', l.v, [0, 2, 1, 3]);
    add('MatMul', [q, k], `${p}/scores_raw`);
    add('Div', [`${p}/scores_raw`, 'score_scale'], `${p}/scores_scaled`);
    add('Add', [`${p}/scores_scaled`, 'mask_bias'], `${p}/scores`);
    add('Softmax', [`${p}/scores`], `${p}/probs`, { axis: -1 });
    add('MatMul', [`${p}/probs`, v], `${p}/context_heads`);
    add('Transpose', [`${p}/context_heads`], `${p}/context_t`, { perm: [0, 2, 1, 3] });
    const context = add('Reshape', [`${p}/context_t`, 'hidden_shape'], `${p}/context`);
    const attn = linear(`${p}.attention.output.dense`, context, l.o, c.hidden, c.hidden);
    add('Add', [attn, x], `${p}/attention_residual`);
    const x1 = layerNorm(`${p}.attention.output.LayerNorm`, `${p}/attention_residual`, l.attentionNorm);

    // GELU, erf form: y · ½ · (1 + erf(y / √2)).
    const up = linear(`${p}.intermediate.dense`, x1, l.up, c.hidden, c.intermediate);
    add('Div', [up, 'sqrt2'], `${p}/gelu_div`);
    add('Erf', [`${p}/gelu_div`], `${p}/gelu_erf`);
    add('Add', [`${p}/gelu_erf`, 'one'], `${p}/gelu_add`);
    add('Mul', [up, `${p}/gelu_add`], `${p}/gelu_mul`);
    const gelu = add('Mul', [`${p}/gelu_mul`, 'half'], `${p}/gelu`);
    const down = linear(`${p}.output.dense`, gelu, l.down, c.intermediate, c.hidden);
    add('Add', [down, x1], `${p}/output_residual`);
    x = layerNorm(`${p}.output.LayerNorm`, `${p}/output_residual`, l.outputNorm);
  });
  nodes[nodes.length - 1].outputs = ['last_hidden_state'];

  return {
    name: 'bert-encoder',
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, type: 'int64', shape: ['batch', 'seq'] })),
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'seq', c.hidden] }],
    initializers: init,
    nodes,
  };
}
