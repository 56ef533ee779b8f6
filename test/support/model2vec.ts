/**
 * Generates static embedding model folders in the real layouts: Model2Vec (minishlab/potion-*:
 * model.safetensors with `embeddings` and optional `mapping` / `weights`, tokenizer.json,
 * config.json with model_type model2vec, modules.json) and sentence-transformers StaticEmbedding
 * (modules.json → 0_StaticEmbedding/model.safetensors with `embedding.weight` + tokenizer.json),
 * plus a plain-JS reference of how each library embeds a tokenised text.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { float32ToHalf, halfToFloat32 } from '../../core/embedding/float16.js';
import { createRng } from '../../core/util/random.js';
import { writeSafetensors, type TensorSpec } from './safetensors.js';
import { wordPieceTokenizer } from './tiny-transformer.js';

export interface StaticModelSpec {
  seed: number;
  dims?: number;
  layout: 'model2vec' | 'sentence-transformers';
  /** F16 stores the table in half precision, as quantised Model2Vec models do. */
  dtype?: 'F32' | 'F16';
  /** Model2Vec vocabulary quantisation: rows shared by token ids, plus per-token weights. */
  quantisedRows?: number;
}

export interface GeneratedStaticModel {
  dir: string;
  dims: number;
  /** Unit vector the library computes for a text tokenised (no special tokens) into `tokens`. */
  reference(tokens: readonly string[]): Float32Array;
}

export async function writeStaticModel(dir: string, spec: StaticModelSpec): Promise<GeneratedStaticModel> {
  const dims = spec.dims ?? 8;
  const tok = wordPieceTokenizer();
  const vocabSize = tok.vocab.size;
  const rng = createRng(spec.seed);
  const rows = spec.quantisedRows ?? vocabSize;
  let table: Float32Array = Float32Array.from({ length: rows * dims }, () => rng.gaussian());
  const tensors: Record<string, TensorSpec> = {};
  const name = spec.layout === 'model2vec' ? 'embeddings' : 'embedding.weight';
  if (spec.dtype === 'F16') {
    const half = float32ToHalf(table);
    table = halfToFloat32(half);
    tensors[name] = { dtype: 'F16', shape: [rows, dims], data: half };
  } else {
    tensors[name] = { dtype: 'F32', shape: [rows, dims], data: table };
  }
  let mapping: BigInt64Array | undefined;
  let weights: Float32Array | undefined;
  if (spec.quantisedRows !== undefined) {
    mapping = BigInt64Array.from({ length: vocabSize }, (_, i) => BigInt((i * 7) % rows));
    weights = Float32Array.from({ length: vocabSize }, () => 0.25 + Math.abs(rng.gaussian()));
    tensors.mapping = { dtype: 'I64', shape: [vocabSize], data: mapping };
    tensors.weights = { dtype: 'F32', shape: [vocabSize], data: weights };
  }

  const moduleDir = spec.layout === 'model2vec' ? dir : path.join(dir, '0_StaticEmbedding');
  await mkdir(moduleDir, { recursive: true });
  await writeSafetensors(path.join(moduleDir, 'model.safetensors'), tensors);
  await writeFile(path.join(moduleDir, 'tokenizer.json'), JSON.stringify(tok.json));
  if (spec.layout === 'model2vec') {
    await writeFile(
      path.join(dir, 'config.json'),
      JSON.stringify({ model_type: 'model2vec', architectures: ['StaticModel'], tokenizer_name: 'tiny/bert', apply_pca: dims, apply_zipf: true, hidden_dim: dims, seq_length: 1000000, normalize: true }),
    );
    await writeFile(
      path.join(dir, 'modules.json'),
      JSON.stringify([
        { idx: 0, name: '0', path: '.', type: 'sentence_transformers.models.StaticEmbedding' },
        { idx: 1, name: '1', path: '1_Normalize', type: 'sentence_transformers.models.Normalize' },
      ]),
    );
  } else {
    await writeFile(path.join(dir, 'config_sentence_transformers.json'), JSON.stringify({ __version__: { sentence_transformers: '3.3.1' } }));
    await writeFile(
      path.join(dir, 'modules.json'),
      JSON.stringify([
        { idx: 0, name: '0', path: '0_StaticEmbedding', type: 'sentence_transformers.models.StaticEmbedding' },
        { idx: 1, name: '1', path: '1_Normalize', type: 'sentence_transformers.models.Normalize' },
      ]),
    );
  }

  const unkId = tok.vocab.get('[UNK]')!;
  const reference = (tokens: readonly string[]): Float32Array => {
    let ids = tokens.map((t) => tok.vocab.get(t) ?? unkId);
    // Model2Vec removes the unknown token before averaging; StaticEmbedding averages every id.
    if (spec.layout === 'model2vec') ids = ids.filter((id) => id !== unkId);
    const v = new Float64Array(dims);
    for (const id of ids) {
      const row = mapping ? Number(mapping[id]) : id;
      const w = weights ? weights[id] : 1;
      for (let j = 0; j < dims; j++) v[j] += (table[row * dims + j] * w) / ids.length;
    }
    const norm = Math.hypot(...v);
    if (norm === 0) return new Float32Array(dims).fill(1 / Math.sqrt(dims));
    return Float32Array.from(v, (x) => x / norm);
  };
  return { dir, dims, reference };
}
