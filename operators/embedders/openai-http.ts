/**
 * Embedding backend for OpenAI-compatible servers (vLLM, TEI, Infinity, Ollama, OpenAI):
 * `POST {base}/embeddings` with `{model, input, encoding_format: 'float'}`.
 * Transport, retries, concurrency and the API key: operators/openai-client.ts, shared with
 * the chat client that labels clusters.
 */
import { ERROR_BODY_CHARS, endpointUrl, openAiClient } from '../openai-client.js';
import { type Embedder, normalizeRows } from './embedder.js';

export interface HttpEmbedderOptions {
  /** Base URL ending in /v1 (…/embeddings is appended) or the full …/embeddings URL. */
  endpoint: string;
  model: string;
  /** Environment variable holding the API key, sent as `Authorization: Bearer`. */
  apiKeyEnv?: string;
  /** Requests in flight at once, across every embed() call on this embedder. */
  maxConcurrency?: number;
  /** Texts per HTTP request; a larger batch is split. */
  requestBatchSize?: number;
  /** Per attempt, for the complete response. */
  timeoutMs?: number;
  /** Retries after the first attempt on 408/429/5xx, timeouts and connection errors. */
  maxRetries?: number;
  /** Expected dimensionality; when absent it is discovered with one probe request. */
  dims?: number;
  /** Backoff scale: retry n waits a uniform random time in [0, retryBaseMs·2ⁿ] (capped at 30 s). */
  retryBaseMs?: number;
}

/** Accepts `…/v1` and `…/v1/embeddings` (with or without a trailing slash). */
export function embeddingsUrl(endpoint: string): URL {
  return endpointUrl(endpoint, '/embeddings', 'embedding');
}

export async function openHttpEmbedder(options: HttpEmbedderOptions): Promise<Embedder> {
  const model = options.model;
  const requestBatchSize = options.requestBatchSize ?? 64;
  const client = openAiClient({
    url: embeddingsUrl(options.endpoint),
    what: 'embedding',
    apiKeyEnv: options.apiKeyEnv,
    maxConcurrency: options.maxConcurrency,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    retryBaseMs: options.retryBaseMs,
  });
  const { target, redact } = client;

  /** Parses a 2xx body into `out` (rows in input order, taken from each item's index). */
  function readVectors(body: string, count: number, expectDims: number | undefined, out: (dims: number) => Float32Array): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new Error(`embedding server ${target} returned invalid JSON: ${redact(body.slice(0, ERROR_BODY_CHARS))}`);
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length !== count) {
      throw new Error(`embedding server ${target} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${count} inputs`);
    }
    const seen = new Uint8Array(count);
    let rows: Float32Array | undefined;
    let dims = expectDims;
    for (const item of data as { index?: unknown; embedding?: unknown }[]) {
      const { index, embedding } = item;
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count || seen[index as number]) {
        throw new Error(`embedding server ${target} returned a duplicate or out-of-range index: ${String(index)}`);
      }
      if (!Array.isArray(embedding)) {
        throw new Error(`embedding server ${target} returned a non-array embedding (requested encoding_format "float")`);
      }
      dims ??= embedding.length;
      if (embedding.length !== dims) {
        throw new Error(`embedding model "${model}" at ${target} returned ${embedding.length}-d vectors, expected ${dims}`);
      }
      rows ??= out(dims);
      const offset = (index as number) * dims;
      seen[index as number] = 1;
      for (let j = 0; j < dims; j++) rows[offset + j] = embedding[j] as number;
    }
  }

  /** One request with retries; `out` receives the rows once the dimensionality is known. */
  function request(texts: readonly string[], expectDims: number | undefined, out: (dims: number) => Float32Array): Promise<void> {
    return client.post({ model, input: texts, encoding_format: 'float' }, (body) => readVectors(body, texts.length, expectDims, out));
  }

  let dims = options.dims;
  if (dims === undefined) {
    await request(['dimension probe'], undefined, (d) => new Float32Array((dims = d)));
  }
  const knownDims = dims as number;

  return {
    model,
    dims: knownDims,
    async embed(texts: readonly string[]): Promise<Float32Array> {
      const values = new Float32Array(texts.length * knownDims);
      const requests: Promise<void>[] = [];
      for (let start = 0; start < texts.length; start += requestBatchSize) {
        const chunk = texts.slice(start, start + requestBatchSize);
        const rows = values.subarray(start * knownDims, (start + chunk.length) * knownDims);
        requests.push(request(chunk, knownDims, () => rows));
      }
      await Promise.all(requests);
      return normalizeRows(values, knownDims);
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}
