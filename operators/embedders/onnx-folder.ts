/**
 * Embedding backend for a Hugging Face-layout ONNX model folder (a sentence-transformers
 * repo with onnx/model.onnx, or an `optimum-cli export onnx` output): tokenise with the
 * folder's tokenizer.json, run the transformer in onnxruntime, pool, L2-normalise.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { halfToFloat32 } from '../../core/embedding/float16.js';
import { lengthGroups } from '../../core/text/length-groups.js';
import { clsPool, meanPool } from '../../core/embedding/pooling.js';
import type { Embedder } from './embedder.js';
import { cudaStartError, executionProviders, type Device } from './execution-provider.js';
import { sessionOptions } from '../../core/onnx/session-options.js';
import { DTYPES, onnxModelFiles, type Dtype } from './onnx-files.js';
import { readJsonIfExists } from './read-json.js';
import { normalizeRows, putRows } from '../../core/util/rows.js';

export type Pooling = 'mean' | 'cls';

export interface OnnxFolderOptions {
  /** Overrides 1_Pooling/config.json (SimCSE has none and uses cls). */
  pooling?: Pooling;
  /** Tokens per text, special tokens included; overrides the model's own maximum. */
  maxLength?: number;
  /** onnxruntime intra-op threads; 0 or absent lets onnxruntime use every core. */
  threads?: number;
  /** Which weights file: onnx/model.onnx, onnx/model_fp16.onnx or onnx/model_quantized.onnx. */
  dtype?: Dtype;
  device?: Device;
  /** Names the model in manifests (a hub id); defaults to the folder name. */
  name?: string;
  /** Hub commit the folder was resolved to. */
  revision?: string;
}

const TOKEN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
const TOKEN_LEVEL_OUTPUTS = ['last_hidden_state', 'token_embeddings'];
// Models whose position ids start after the padding index (fairseq heritage), so
// max_position_embeddings overstates the usable length by pad_token_id + 1.
const OFFSET_POSITION_MODELS = new Set(['roberta', 'xlm-roberta', 'xlm-roberta-xl', 'camembert', 'mpnet', 'longformer', 'data2vec-text']);
// transformers writes this sentinel as model_max_length when a tokenizer declares no limit.
const UNSET_MODEL_MAX_LENGTH = 1e12;

type JsonObject = Record<string, unknown>;
type IdType = 'int64' | 'int32';

export async function openOnnxFolder(dir: string, options: OnnxFolderOptions = {}): Promise<Embedder> {
  const folder = path.resolve(dir);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) {
    throw new Error(`model folder ${folder} does not exist: pass a folder holding a Hugging Face ONNX export, or a hub id (owner/name)`);
  }
  const name = options.name ?? path.basename(folder);
  const modelFile = await findModelFile(folder, options.dtype ?? 'fp32');
  const tokenizerJson = await readJson(folder, 'tokenizer.json');
  if (!tokenizerJson) {
    throw new Error(
      `${folder} has no tokenizer.json: this backend needs the fast-tokenizer file. Save it next to the model with ` +
        `AutoTokenizer.from_pretrained("<hub id>").save_pretrained("${folder}") (Python transformers)`,
    );
  }
  const tokenizerConfig = (await readJson(folder, 'tokenizer_config.json')) ?? {};
  const modelConfig = await readJson(folder, 'config.json');
  const sbertConfig = await readJson(folder, 'sentence_bert_config.json');
  const poolingConfig = await readJson(folder, '1_Pooling/config.json');
  const modules = await readJson(folder, 'modules.json');

  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (err) {
    throw new Error(`${path.join(folder, 'tokenizer.json')} could not be loaded: ${(err as Error).message}`);
  }
  const template = specialTokenTemplate(tokenizer, folder);
  const maxLength = resolveMaxLength(folder, options.maxLength, sbertConfig, tokenizerConfig, modelConfig);
  if (maxLength <= template.prefix.length + template.suffix.length) {
    throw new Error(`max length ${maxLength} for ${folder} leaves no room for text after the special tokens`);
  }
  const padId = padTokenId(tokenizerJson, tokenizerConfig, tokenizer);

  const providers = executionProviders(options.device);
  const session = await ort.InferenceSession.create(modelFile, {
    ...sessionOptions(options.threads),
    ...providers,
  }).catch((err: unknown) => {
    throw options.device === 'cuda' ? cudaStartError(err) : err;
  });
  try {
    const inputs = tokenInputs(session, modelFile);
    const output = chooseOutput(session, modelFile, options.pooling !== undefined);
    const pooling = output.pooled ? null : (options.pooling ?? poolingFromConfig(folder, name, poolingConfig));
    if (!output.pooled) checkModules(folder, modules);

    const encode = (text: string): number[] => {
      const content = tokenizer.encode(text, { add_special_tokens: false }).ids;
      const room = maxLength - template.prefix.length - template.suffix.length;
      const kept = content.length > room ? content.slice(0, room) : content;
      return [...template.prefix, ...kept, ...template.suffix];
    };

    const forward = async (rows: readonly number[][], seq: number): Promise<{ values: Float32Array; mask: Uint8Array; dims: readonly number[] }> => {
      const n = rows.length;
      const mask = new Uint8Array(n * seq);
      const ids = new Int32Array(n * seq).fill(padId);
      for (let r = 0; r < n; r++) {
        const row = rows[r];
        for (let t = 0; t < row.length; t++) {
          ids[r * seq + t] = row[t];
          mask[r * seq + t] = 1;
        }
      }
      const feeds: Record<string, ort.Tensor> = {};
      for (const { name, type } of inputs) {
        const values = name === 'input_ids' ? ids : name === 'attention_mask' ? mask : new Uint8Array(n * seq);
        feeds[name] = idTensor(type, values, [n, seq]);
      }
      const result = await session.run(feeds, [output.name]);
      const tensor = result[output.name];
      if (tensor.type !== 'float32' && tensor.type !== 'float16') {
        throw new Error(`${modelFile}: output ${output.name} is ${tensor.type}; this backend reads float32 or float16 outputs`);
      }
      const rank = output.pooled ? 2 : 3;
      if (tensor.dims.length !== rank) {
        throw new Error(`${modelFile}: output ${output.name} has shape [${tensor.dims.join(', ')}], expected rank ${rank}`);
      }
      // fp16 models (model_fp16.onnx) answer in half precision; pooling runs in float32.
      const values = tensor.type === 'float16' ? halfToFloat32(tensor.data as Uint16Array) : (tensor.data as Float32Array);
      return { values, mask, dims: tensor.dims };
    };

    const probe = encode('a');
    const dims = (await forward([probe], probe.length)).dims.at(-1) as number;

    const embed = async (texts: readonly string[]): Promise<Float32Array> => {
      const encoded = texts.map(encode);
      const out = new Float32Array(texts.length * dims);
      // Length buckets with a token budget and a padding cap (core/text/length-groups.ts).
      for (const group of lengthGroups(encoded.map((ids) => ids.length))) {
        const seq = encoded[group[0]].length;
        const count = group.length;
        const { values, mask } = await forward(Array.from(group, (i) => encoded[i]), seq);
        const pooled =
          pooling === null ? values : pooling === 'cls' ? clsPool(values, mask, count, seq, dims) : meanPool(values, mask, count, seq, dims);
        putRows(pooled, dims, group, out);
      }
      return normalizeRows(out, dims);
    };

    return {
      model: name,
      dims,
      revision: options.revision,
      embed,
      countTokens: (texts) => texts.reduce((n, t) => n + encode(t).length, 0),
      close: () => session.release(),
    };
  } catch (err) {
    await session.release();
    throw err;
  }
}

async function findModelFile(folder: string, dtype: Dtype): Promise<string> {
  const isFile = async (rel: string) => (await stat(path.join(folder, rel)).catch(() => null))?.isFile() ?? false;
  for (const rel of onnxModelFiles(dtype)) if (await isFile(rel)) return path.join(folder, rel);
  const others: Dtype[] = [];
  for (const d of DTYPES) {
    if (d !== dtype && ((await isFile(onnxModelFiles(d)[0])) || (await isFile(onnxModelFiles(d)[1])))) others.push(d);
  }
  throw new Error(
    `no ONNX model for dtype ${dtype} in ${folder}: expected ${onnxModelFiles(dtype).join(' or ')}. ` +
      (others.length ? `The folder has dtype ${others.join(', ')}: pass --dtype ${others[0]}. ` : '') +
      `Export one with \`optimum-cli export onnx --model <hub id> ${folder}\`, or use a hub repo that ships onnx/model.onnx`,
  );
}

/** Parsed JSON object, or null when the file does not exist. */
async function readJson(folder: string, rel: string): Promise<JsonObject | null> {
  const file = path.join(folder, rel);
  const value = await readJsonIfExists(file);
  if (value !== null && typeof value !== 'object') throw new Error(`could not parse ${file}: not a JSON object`);
  return value as JsonObject | null;
}

/**
 * The special tokens the tokenizer's post-processor puts around a single text, found by
 * encoding a probe with and without them. Truncation then cuts only the text between them,
 * as Hugging Face tokenizers do, so [SEP] / </s> survive.
 */
function specialTokenTemplate(tokenizer: Tokenizer, folder: string): { prefix: number[]; suffix: number[] } {
  const full = tokenizer.encode('a').ids;
  const content = tokenizer.encode('a', { add_special_tokens: false }).ids;
  for (let p = 0; p + content.length <= full.length; p++) {
    if (content.every((id: number, i: number) => full[p + i] === id)) {
      return { prefix: full.slice(0, p), suffix: full.slice(p + content.length) };
    }
  }
  throw new Error(`${path.join(folder, 'tokenizer.json')}: its post-processor does not wrap a text in fixed special tokens`);
}

function resolveMaxLength(
  folder: string,
  override: number | undefined,
  sbertConfig: JsonObject | null,
  tokenizerConfig: JsonObject,
  modelConfig: JsonObject | null,
): number {
  const positions = usablePositions(modelConfig);
  if (override !== undefined) {
    if (!Number.isInteger(override) || override < 1) throw new Error(`max length must be a positive integer, got ${override}`);
    if (positions !== undefined && override > positions) {
      throw new Error(`max length ${override} exceeds the ${positions} positions of the model in ${folder}`);
    }
    return override;
  }
  const tokenizerMax = numberField(tokenizerConfig, 'model_max_length');
  const declared = numberField(sbertConfig, 'max_seq_length') ?? (tokenizerMax !== undefined && tokenizerMax < UNSET_MODEL_MAX_LENGTH ? tokenizerMax : undefined);
  if (declared !== undefined && positions !== undefined) return Math.min(declared, positions);
  const known = declared ?? positions;
  if (known === undefined) {
    throw new Error(
      `cannot tell the maximum sequence length of ${folder}: none of sentence_bert_config.json max_seq_length, ` +
        `tokenizer_config.json model_max_length, config.json max_position_embeddings is present; set max_length`,
    );
  }
  return known;
}

function usablePositions(modelConfig: JsonObject | null): number | undefined {
  const total = numberField(modelConfig, 'max_position_embeddings');
  if (total === undefined) return undefined;
  const type = modelConfig?.model_type;
  if (typeof type !== 'string' || !OFFSET_POSITION_MODELS.has(type)) return total;
  return total - ((numberField(modelConfig, 'pad_token_id') ?? 1) + 1);
}

function numberField(obj: JsonObject | null, key: string): number | undefined {
  const v = obj?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function padTokenId(tokenizerJson: JsonObject, tokenizerConfig: JsonObject, tokenizer: Tokenizer): number {
  const padding = tokenizerJson.padding as JsonObject | null | undefined;
  const fromPadding = numberField(padding ?? null, 'pad_id');
  if (fromPadding !== undefined) return fromPadding;
  const token = tokenizerConfig.pad_token;
  const content = typeof token === 'string' ? token : (token as JsonObject | null | undefined)?.content;
  // The pad id only fills masked positions, so any valid id works when none is declared.
  return (typeof content === 'string' ? tokenizer.token_to_id(content) : undefined) ?? 0;
}

function tokenInputs(session: ort.InferenceSession, modelFile: string): { name: string; type: IdType }[] {
  const inputs = session.inputMetadata.map((m) => {
    if (!(TOKEN_INPUTS as readonly string[]).includes(m.name)) {
      throw new Error(`${modelFile} takes an input named ${m.name}; this backend feeds only ${TOKEN_INPUTS.join(', ')}`);
    }
    const type = m.isTensor ? m.type : 'int64';
    if (type !== 'int64' && type !== 'int32') throw new Error(`${modelFile}: input ${m.name} is ${type}, expected int64 or int32`);
    return { name: m.name, type: type as IdType };
  });
  if (!inputs.some((i) => i.name === 'input_ids')) throw new Error(`${modelFile} has no input_ids input`);
  return inputs;
}

/**
 * A graph that already pools (sentence-transformers exports with `sentence_embedding`) is
 * used as is, unless the caller asked for a specific pooling and token vectors are available.
 */
function chooseOutput(session: ort.InferenceSession, modelFile: string, poolingOverridden: boolean): { name: string; pooled: boolean } {
  const names = session.outputNames;
  const tokenLevel =
    TOKEN_LEVEL_OUTPUTS.find((n) => names.includes(n)) ?? session.outputMetadata.find((m) => m.isTensor && m.shape.length === 3)?.name;
  if (names.includes('sentence_embedding') && !(poolingOverridden && tokenLevel)) return { name: 'sentence_embedding', pooled: true };
  if (tokenLevel) return { name: tokenLevel, pooled: false };
  throw new Error(
    `${modelFile} has no token-level output (last_hidden_state, or any [batch, seq, hidden] output) and no sentence_embedding; outputs: ${names.join(', ')}`,
  );
}

function poolingFromConfig(folder: string, name: string, config: JsonObject | null): Pooling {
  if (!config && /simcse/i.test(name)) {
    // SimCSE checkpoints carry no 1_Pooling config and were trained on the [CLS] vector.
    throw new Error(`${name} looks like a SimCSE model, which embeds with its [CLS] vector and has no 1_Pooling/config.json: pass --pooling cls (or --pooling mean to insist)`);
  }
  // sentence-transformers falls back to mean pooling for a plain transformer folder.
  if (!config) return 'mean';
  const modes = Object.keys(config).filter((k) => k.startsWith('pooling_mode_') && config[k] === true);
  if (modes.length === 1 && modes[0] === 'pooling_mode_cls_token') return 'cls';
  if (modes.length === 1 && modes[0] === 'pooling_mode_mean_tokens') return 'mean';
  throw new Error(
    `${path.join(folder, '1_Pooling/config.json')} asks for ${modes.join(' + ') || 'no pooling mode'}; ` +
      `this backend implements mean and cls: set pooling to override`,
  );
}

/** Refuses folders whose sentence-transformers pipeline has steps after pooling that this backend would silently skip. */
function checkModules(folder: string, modules: JsonObject | null): void {
  if (!Array.isArray(modules)) return;
  for (const m of modules as JsonObject[]) {
    const type = typeof m?.type === 'string' ? m.type : '';
    if (/\.(Transformer|Pooling|Normalize)$/.test(type)) continue;
    throw new Error(
      `${path.join(folder, 'modules.json')} lists a ${type} module, which this backend does not apply after pooling; ` +
        `export the model with its sentence_embedding output instead`,
    );
  }
}

function idTensor(type: IdType, values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const n = values.length;
  if (type === 'int32') return new ort.Tensor('int32', Int32Array.from(values), dims);
  const data = new BigInt64Array(n);
  for (let i = 0; i < n; i++) data[i] = BigInt(values[i]);
  return new ort.Tensor('int64', data, dims);
}
