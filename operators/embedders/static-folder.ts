/**
 * Embedding backend for static (word-table) model folders: Model2Vec (`minishlab/potion-*`:
 * model.safetensors with an `embeddings` table and optional `mapping` / `weights`,
 * tokenizer.json, config.json with model_type "model2vec") and sentence-transformers
 * StaticEmbedding folders (modules.json naming a StaticEmbedding module whose folder holds
 * model.safetensors with `embedding.weight` and tokenizer.json). The table is folded
 * (core/embedding/static-table.ts) into the same Gather → sum → normalise ONNX graph the built-in model
 * uses, and run through onnxruntime.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { encodeModel } from '../../core/onnx/model.js';
import { sessionOptions } from '../../core/onnx/session-options.js';
import { STATIC_INPUT, STATIC_OUTPUT, staticEmbeddingGraph } from '../../core/onnx/static-embedding-graph.js';
import { parseSafetensors, readFloat32, readIntegers } from '../../core/embedding/safetensors.js';
import { foldStaticTable } from '../../core/embedding/static-table.js';
import type { Embedder } from './embedder.js';
import { readJsonIfExists } from './read-json.js';
import { sessionThreads } from '../workers/threads.js';
import { putRows } from '../../core/util/rows.js';

export interface StaticLayout {
  kind: 'model2vec' | 'sentence-transformers';
  /** Folder holding model.safetensors and tokenizer.json (the folder itself, or 0_StaticEmbedding/). */
  moduleDir: string;
}

export interface StaticFolderOptions {
  /** Names the model in manifests; defaults to the folder name. */
  name?: string;
  /** Hub commit the folder was resolved to. */
  revision?: string;
  /** Tokens per text; Model2Vec's own default is 512, sentence-transformers' StaticEmbedding has none. */
  maxLength?: number;
  threads?: number;
}

/** Model2Vec's StaticModel.encode truncates at this many tokens by default. */
const MODEL2VEC_MAX_LENGTH = 512;
/** Texts of similar length run together, this many per session call (as the built-in model). */
const BUCKET_SIZE = 128;

type JsonObject = Record<string, unknown>;

/** The static layout of a folder, or null when it is not a static model (e.g. a transformer). */
export async function staticLayout(folder: string): Promise<StaticLayout | null> {
  const modules = await readJson(path.join(folder, 'modules.json'));
  const config = (await readJson(path.join(folder, 'config.json'))) as JsonObject | null;
  const first = Array.isArray(modules) ? (modules[0] as JsonObject | undefined) : undefined;
  const isModel2Vec = typeof config?.model_type === 'string' && config.model_type.toLowerCase() === 'model2vec';
  if (typeof first?.type === 'string' && first.type.endsWith('.StaticEmbedding')) {
    const rel = typeof first.path === 'string' ? first.path : '';
    return { kind: isModel2Vec ? 'model2vec' : 'sentence-transformers', moduleDir: path.join(folder, rel) };
  }
  return isModel2Vec ? { kind: 'model2vec', moduleDir: folder } : null;
}

/** The files a static layout needs, relative to the repository root (for hub downloads). */
export function staticLayoutFiles(layout: StaticLayout, root: string): string[] {
  const rel = path.relative(root, layout.moduleDir).split(path.sep).filter((p) => p && p !== '.');
  return ['model.safetensors', 'tokenizer.json'].map((f) => [...rel, f].join('/'));
}

export async function openStaticFolder(folder: string, layout: StaticLayout, options: StaticFolderOptions = {}): Promise<Embedder> {
  const weightsFile = path.join(layout.moduleDir, 'model.safetensors');
  const tokenizerFile = path.join(layout.moduleDir, 'tokenizer.json');
  for (const file of [weightsFile, tokenizerFile]) {
    if (!(await stat(file).catch(() => null))?.isFile()) {
      throw new Error(`${folder} looks like a ${layout.kind} static model but has no ${path.relative(folder, file)}; download the whole repository`);
    }
  }
  const tokenizerJson = (await readJson(tokenizerFile)) as JsonObject;
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, {});
  } catch (err) {
    throw new Error(`${tokenizerFile} could not be loaded: ${(err as Error).message}`);
  }
  const vocabSize = vocabularySize(tokenizerJson, tokenizerFile);
  const wordLevelUnk = wordLevelUnknown(tokenizerJson, tokenizer, tokenizerFile);

  const file = parseSafetensors(new Uint8Array(await readFile(weightsFile)), weightsFile);
  const tableName = file.tensors.has('embeddings') ? 'embeddings' : file.tensors.has('embedding.weight') ? 'embedding.weight' : null;
  if (!tableName) {
    throw new Error(`${weightsFile} has no embeddings or embedding.weight tensor (it holds ${[...file.tensors.keys()].join(', ')}); is it a static model?`);
  }
  const shape = file.tensors.get(tableName)!.shape;
  if (shape.length !== 2) throw new Error(`${weightsFile}: ${tableName} has shape [${shape.join(', ')}], expected [tokens, dims]`);
  const dims = shape[1];
  // Model2Vec drops the tokenizer's unknown token before averaging; StaticEmbedding keeps every id.
  const unk = (tokenizerJson.model as JsonObject | undefined)?.unk_token;
  const unkId = layout.kind === 'model2vec' && typeof unk === 'string' ? tokenizer.token_to_id(unk) : undefined;
  // A NaN or infinite weight turns every text holding its token into a NaN vector (issue 18
  // item 4: 370 of 500 rows); the model is refused, naming where, before anything is embedded.
  const embeddings = requireFinite(readFloat32(file, tableName), weightsFile, tableName, dims);
  const weights = file.tensors.has('weights') ? requireFinite(readFloat32(file, 'weights'), weightsFile, 'weights', 1) : undefined;
  const { table, padId } = foldStaticTable({
    embeddings,
    dims,
    vocabSize,
    mapping: file.tensors.has('mapping') ? readIntegers(file, 'mapping') : undefined,
    weights,
    dropIds: unkId === undefined ? [] : [unkId],
  });
  const fallback = new Float32Array(dims).fill(1 / Math.sqrt(dims));
  const session = await ort.InferenceSession.create(encodeModel(staticEmbeddingGraph({ table, dims, fallback })), sessionOptions(sessionThreads(options.threads)));
  const maxLength = options.maxLength ?? (layout.kind === 'model2vec' ? MODEL2VEC_MAX_LENGTH : Infinity);

  const tokensOf = (t: string): number[] => {
    let ids = tokenizer.encode(t, { add_special_tokens: false }).ids;
    // @huggingface/tokenizers gives a WordLevel word outside the vocabulary no id; the Rust library gives unk_token's.
    if (wordLevelUnk !== undefined) ids = ids.map((id: number | undefined) => id ?? wordLevelUnk);
    return ids.length > maxLength ? ids.slice(0, maxLength) : ids;
  };
  const embed = async (texts: readonly string[]): Promise<Float32Array> => {
    const encoded = texts.map(tokensOf);
    const order = Uint32Array.from(encoded.keys()).sort((a, b) => encoded[a].length - encoded[b].length);
    const out = new Float32Array(texts.length * dims);
    for (let from = 0; from < order.length; from += BUCKET_SIZE) {
      const group = order.subarray(from, Math.min(from + BUCKET_SIZE, order.length));
      const seq = Math.max(1, encoded[group[group.length - 1]].length);
      const ids = new BigInt64Array(group.length * seq).fill(BigInt(padId));
      group.forEach((row, r) => encoded[row].forEach((id: number, t: number) => (ids[r * seq + t] = BigInt(id))));
      const result = await session.run({ [STATIC_INPUT]: new ort.Tensor('int64', ids, [group.length, seq]) });
      const vectors = result[STATIC_OUTPUT].data as Float32Array;
      putRows(vectors, dims, group, out);
    }
    return out;
  };

  return {
    model: options.name ?? path.basename(folder),
    dims,
    revision: options.revision,
    embed,
    countTokens: (texts) => texts.reduce((n, t) => n + tokensOf(t).length, 0),
    close: () => session.release(),
  };
}

/** The tokenizer models the JS tokenizer encodes. */
const TOKENIZER_MODELS = ['BPE', 'WordPiece', 'Unigram', 'WordLevel'];

/**
 * For a WordLevel tokenizer, the id of its unk_token (which a word outside the vocabulary
 * becomes, as in the Rust library); undefined for other models. A model type the tokenizer does
 * not encode, or a WordLevel without an unk_token in its vocabulary, is refused naming the file.
 */
function wordLevelUnknown(tokenizerJson: JsonObject, tokenizer: Tokenizer, file: string): number | undefined {
  const model = tokenizerJson.model as JsonObject | undefined;
  const type = typeof model?.type === 'string' ? model.type : undefined;
  if (type !== undefined && !TOKENIZER_MODELS.includes(type)) {
    throw new Error(`${file}: tokenizer model type ${type} is not supported (supported: ${TOKENIZER_MODELS.join(', ')})`);
  }
  if (type !== 'WordLevel') return undefined;
  const unk = model?.unk_token;
  const id = typeof unk === 'string' ? tokenizer.token_to_id(unk) : undefined;
  if (typeof id !== 'number') {
    throw new Error(`${file}: a WordLevel tokenizer needs an unk_token in its vocabulary for the words outside it (it has ${typeof unk === 'string' ? `unk_token ${JSON.stringify(unk)}, not in the vocabulary` : 'no unk_token'})`);
  }
  return id;
}

/** The tensor, or an error naming the file, the tensor, how many rows hold NaN or ±Infinity, and the first. */
function requireFinite(values: Float32Array, file: string, tensor: string, rowWidth: number): Float32Array {
  let bad = 0;
  let first = -1;
  for (let row = 0; row * rowWidth < values.length; row++) {
    for (let i = row * rowWidth; i < (row + 1) * rowWidth; i++) {
      if (!Number.isFinite(values[i])) {
        if (first < 0) first = row;
        bad++;
        break;
      }
    }
  }
  if (bad > 0) {
    throw new Error(`${file}: tensor ${tensor} has ${bad} row${bad > 1 ? 's' : ''} holding NaN or infinite values (the first is row ${first}); every text with such a token would embed as NaN. The file is damaged or was saved from a diverged model: download it again or use another model`);
  }
  return values;
}

/** Token ids the tokenizer can emit: its vocabulary plus added tokens. */
function vocabularySize(tokenizerJson: JsonObject, file: string): number {
  const model = tokenizerJson.model as JsonObject | undefined;
  const vocab = model?.vocab;
  let max = -1;
  if (Array.isArray(vocab)) {
    max = vocab.length - 1; // Unigram: [[piece, score], …]
  } else if (vocab && typeof vocab === 'object') {
    for (const id of Object.values(vocab)) if (typeof id === 'number' && id > max) max = id;
  } else {
    throw new Error(`${file} has no model.vocab`);
  }
  for (const t of (tokenizerJson.added_tokens as { id?: number }[] | undefined) ?? []) if (typeof t.id === 'number' && t.id > max) max = t.id;
  return max + 1;
}

async function readJson(file: string): Promise<JsonObject | unknown[] | null> {
  return (await readJsonIfExists(file)) as JsonObject | unknown[] | null;
}
