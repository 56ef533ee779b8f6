/**
 * Turns an embedding_model setting into a local model folder. A folder path is used as is; a
 * Hugging Face hub id (owner/name) is resolved at a revision (branch, tag or commit; default
 * main) and its files are fetched into the standard hub cache through the hub's resolve URLs
 * (operators/hub/hub-repo.ts). The snapshot folder of the resolved commit is returned, so files
 * Python already fetched are not fetched again.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { HubRepo, type DownloadProgress } from '../hub/hub-repo.js';
import { modelAlternatives } from './model-alternatives.js';
import { onnxModelFiles, type Dtype } from './onnx-files.js';
import { staticLayout, staticLayoutFiles } from './static-folder.js';

export type { DownloadProgress };

export interface ResolveModelOptions {
  /** Branch, tag or commit; default main. */
  revision?: string;
  /** Which ONNX weights file to fetch (onnx-files.ts). */
  dtype?: Dtype;
  /** Hub cache folder; default hubCacheDir() (HF_HUB_CACHE, HF_HOME, ~/.cache/huggingface/hub). */
  cacheDir?: string;
  /** Only the cache, no network; default from HF_HUB_OFFLINE. */
  offline?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface ResolvedModel {
  /** The folder to open: the path given, or the snapshot folder of the resolved commit. */
  dir: string;
  /** The hub id, or the folder's name. */
  name: string;
  /** The commit a hub id resolved to; absent for a local folder. */
  revision?: string;
}

/** A hub id as the hub spells one: OWNER/NAME. */
export const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/;
const OPTIONAL_FILES = ['tokenizer_config.json', 'special_tokens_map.json', 'sentence_bert_config.json', '1_Pooling/config.json'];
// Architectures of decoder LLMs: their embeddings come from a serving stack, not an ONNX folder.
const DECODER_ARCHITECTURE = /For(CausalLM|ConditionalGeneration)$/;

export async function resolveModel(idOrPath: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  if ((await stat(idOrPath).catch(() => null))?.isDirectory()) return { dir: idOrPath, name: path.basename(path.resolve(idOrPath)) };
  if (!HUB_ID.test(idOrPath)) {
    throw new Error(`embedding model ${idOrPath} is neither an existing folder nor a Hugging Face hub id (owner/name)`);
  }
  const hub = new HubRepo(idOrPath, { ...options, advice: modelAlternatives(idOrPath) });
  const config = await hub.fetch('config.json', false);
  const modules = await hub.fetch('modules.json', false);
  if (!config && !modules) throw hub.missing('config.json');
  const dir = hub.snapshotDir();

  const layout = await staticLayout(dir);
  if (layout) {
    for (const file of staticLayoutFiles(layout, dir)) await hub.fetch(file, true);
    return { dir, name: idOrPath, revision: hub.commit };
  }
  if (!config) throw hub.missing('config.json');
  await hub.fetch('tokenizer.json', true);
  for (const file of OPTIONAL_FILES) await hub.fetch(file, false);
  const candidates = onnxModelFiles(options.dtype);
  let modelFile: string | undefined;
  for (const file of candidates) {
    if (await hub.fetch(file, false)) {
      modelFile = file;
      break;
    }
  }
  if (!modelFile) throw hub.offlineReason ? hub.notCached(candidates[0]) : await noOnnxWeights(idOrPath, config, candidates, options.dtype ?? 'fp32');
  // Graphs over 2 GB keep their weights in a side file that onnxruntime loads by name.
  await hub.fetch(`${modelFile}_data`, false);
  return { dir, name: idOrPath, revision: hub.commit };
}

async function noOnnxWeights(id: string, configFile: string, candidates: string[], dtype: Dtype): Promise<Error> {
  const config = JSON.parse(await readFile(configFile, 'utf8')) as { architectures?: unknown };
  const decoder = Array.isArray(config.architectures) ? config.architectures.find((a) => typeof a === 'string' && DECODER_ARCHITECTURE.test(a)) : undefined;
  const head = decoder
    ? `${id} is a decoder LLM (${decoder}) without ONNX weights: serve it with vLLM or TEI and pass --embedding-endpoint`
    : `hub repo ${id} has no ONNX weights for dtype ${dtype} (looked for ${candidates.join(' and ')})` +
      (dtype === 'fp32' ? '' : `; try --dtype fp32`);
  return new Error(`${head}\n${modelAlternatives(id)}`);
}

/**
 * A tokenizer alone (truncate client: the served model's, whose weights never come here): a
 * folder holding tokenizer.json, or a hub id whose tokenizer.json (and tokenizer_config.json,
 * when there) is fetched into the hub cache as a model's files are.
 */
export async function resolveTokenizer(idOrPath: string, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  if ((await stat(idOrPath).catch(() => null))?.isDirectory()) return { dir: idOrPath, name: path.basename(path.resolve(idOrPath)) };
  if (!HUB_ID.test(idOrPath)) throw new Error(`tokenizer ${idOrPath} is neither an existing folder nor a Hugging Face hub id (owner/name)`);
  // No model alternatives: a tokenizer alone is all that is wanted, and other models would not count or cut the same tokens.
  const hub = new HubRepo(idOrPath, options);
  await hub.fetch('tokenizer.json', true);
  await hub.fetch('tokenizer_config.json', false);
  return { dir: hub.snapshotDir(), name: idOrPath, revision: hub.commit };
}
