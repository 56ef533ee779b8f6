/**
 * Picks the embedding backend from the settings: an endpoint means an OpenAI-compatible
 * server; "static" the built-in model; anything else a Hugging Face model folder, given as a
 * local path or a hub id: a static table (Model2Vec, StaticEmbedding) or an ONNX transformer.
 */
import type { Settings } from '../../schemas/config.js';
import { mapTexts, type Embedder } from './embedder.js';
import { UsageError } from '../../core/util/semclust-error.js';
import { withClientTruncation } from './client-truncation.js';
import { resolveModel } from './hub-download.js';
import { openHttpEmbedder } from './openai-http.js';
import { openOnnxFolder } from './onnx-folder.js';
import { openStaticFolder, staticLayout } from './static-folder.js';
import { RECIPE_REVISION, defaultCacheDir, openStaticModel } from './static-model.js';

export const STATIC_MODEL = 'static';

/** The built-in model's recipe revision when these settings embed with it (no endpoint, no precomputed vectors); undefined otherwise. */
export function staticRecipe(s: Pick<Settings, 'embedding_model' | 'embedding_endpoint' | 'embedding_column'>): number | undefined {
  return !s.embedding_column && s.embedding_model === STATIC_MODEL && !s.embedding_endpoint ? RECIPE_REVISION : undefined;
}

export type EmbedderSettings = Pick<
  Settings,
  | 'embedding_model'
  | 'embedding_endpoint'
  | 'embedding_api_key_env'
  | 'pooling'
  | 'max_length'
  | 'max_concurrency'
  | 'request_timeout_s'
  | 'request_retries'
  | 'threads'
  | 'batch_size'
  | 'revision'
  | 'dtype'
  | 'device'
  | 'request_batch_size'
  | 'truncate'
  | 'tokenizer'
  | 'server_kind'
  | 'embedding_prefix'
  | 'prompt_name'
  | 'dimensions'
>;

export interface OpenEmbedderOptions {
  onProgress?: (e: { phase: string; done: number; total: number }) => void;
  /** A served model's messages (retries, a smaller request size); stderr when left out. */
  log?: (line: string) => void;
}

export async function openEmbedder(s: EmbedderSettings, options: OpenEmbedderOptions = {}): Promise<Embedder> {
  const embedder = await openBackend(s, options);
  return s.embedding_prefix ? withPrefix(embedder, s.embedding_prefix) : embedder;
}

/** Every text with `prefix` before it ("clustering: ", E5's "query: "), for any backend. */
function withPrefix(embedder: Embedder, prefix: string): Embedder {
  return mapTexts(embedder, (texts) => texts.map((t) => prefix + t));
}

async function openBackend(s: EmbedderSettings, options: OpenEmbedderOptions): Promise<Embedder> {
  if (s.embedding_endpoint) {
    if (s.truncate === 'client' && (!s.tokenizer || !s.max_length)) {
      throw new UsageError(`--truncate client cuts texts before sending: it needs --tokenizer (the served model's, a hub id or a folder with tokenizer.json) and --max-length (the server's token limit, e.g. 512 for TEI's default)`);
    }
    const served = await openHttpEmbedder({
      endpoint: s.embedding_endpoint,
      model: s.embedding_model,
      apiKeyEnv: s.embedding_api_key_env,
      maxConcurrency: s.max_concurrency,
      timeoutMs: s.request_timeout_s * 1000,
      maxRetries: s.request_retries,
      requestBatchSize: s.request_batch_size,
      // Texts cut by the tokenizer should fit; one that still does not (another tokenizer) is a too_long reject.
      truncate: s.truncate === 'client' ? 'reject' : s.truncate,
      serverKind: s.server_kind,
      promptName: s.prompt_name,
      dimensions: s.dimensions,
      log: options.log,
    });
    return s.truncate === 'client' ? withClientTruncation(served, s.tokenizer!, s.max_length!) : served;
  }
  if (s.embedding_model === STATIC_MODEL) {
    return openStaticModel({ cacheDir: defaultCacheDir(), threads: s.threads, maxLength: s.max_length, onProgress: options.onProgress });
  }
  const { dir, name, revision } = await resolveModel(s.embedding_model, { revision: s.revision, dtype: s.dtype, onProgress: options.onProgress });
  const layout = await staticLayout(dir);
  if (layout) return openStaticFolder(dir, layout, { name, revision, maxLength: s.max_length, threads: s.threads });
  return openOnnxFolder(dir, { name, revision, pooling: s.pooling, maxLength: s.max_length, threads: s.threads, dtype: s.dtype, device: s.device });
}
