/**
 * Embedding backend for OpenAI-compatible servers (vLLM, TEI, Infinity, Ollama, OpenAI):
 * `POST {base}/embeddings` with `{model, input, encoding_format: 'base64'}` (float arrays accepted).
 * Transport, retries, concurrency and the API key: operators/http/openai-client.ts, shared with
 * the chat client that labels clusters.
 *
 * Every vector is checked before it is used: a null, a string, a value that is not finite
 * in float32 (JSON's 1e999 parses to Infinity), a vector of the wrong length or an all-zero
 * vector makes the response unusable (BadResponseError: retried like a 5xx, then fatal),
 * because one such row turns every later k-means inertia into NaN.
 */
import { BadResponseError, ERROR_BODY_CHARS, endpointUrl, openAiClient } from '../http/openai-client.js';
import type { Embedder } from './embedder.js';
import { normalizeRows } from '../../core/util/rows.js';

export interface HttpEmbedderOptions {
  /** Base URL ending in /v1 (…/embeddings is appended) or the full …/embeddings URL; several share the load. */
  endpoint: string | readonly string[];
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
  /** What to ask the server for (default base64: a quarter of the bytes, no number parsing). */
  encoding?: 'base64' | 'float';
  /** Backoff scale: retry n waits a uniform random time in [0, retryBaseMs·2ⁿ] (capped at 30 s). */
  retryBaseMs?: number;
  /** Receives one line per retry (default: stderr). */
  log?: (line: string) => void;
}

/**
 * The largest 2xx body a request for `count` vectors of `dims` values may need: 48 bytes a
 * value covers full double precision with a sign, exponent and an indented line of its own
 * (OpenAI pretty-prints), plus 512 bytes of keys per item and 64 KiB for the envelope.
 */
export function maxEmbeddingsResponseBytes(count: number, dims: number): number {
  return (64 << 10) + count * (512 + dims * 48);
}

/** The dimension probe learns dims from its answer; 16 MiB holds one vector of any real model. */
const PROBE_RESPONSE_BYTES = 16 << 20;
/** Problems quoted per unusable response; the rest are counted. */
const PROBLEMS_SHOWN = 5;

/** Names a request's texts by their place in the embed() call. */
function inputsOf(first: number, count: number): string {
  return count === 1 ? `input ${first} of the batch` : `inputs ${first}–${first + count - 1} of the batch`;
}

/** What is wrong with one vector, or undefined when it can be used. */
function vectorProblem(embedding: ArrayLike<unknown>, dims: number): string | undefined {
  if (embedding.length !== dims) return `${embedding.length} values, expected ${dims}`;
  if (embedding instanceof Float32Array) return float32Problem(embedding);
  let ss = 0;
  for (let j = 0; j < dims; j++) {
    const v = embedding[j];
    if (typeof v !== 'number') return `${v === null ? 'null' : `a ${typeof v} (${JSON.stringify(v)?.slice(0, 20)})`} at position ${j}`;
    if (!Number.isFinite(Math.fround(v))) return `${v} at position ${j}${Number.isFinite(v) ? ' (beyond float32)' : ''}`;
    ss += v * v;
  }
  return ss > 0 ? undefined : 'an all-zero vector (it has no direction to compare)';
}

/** A base64 embedding: little-endian float32 values, as OpenAI and vLLM send them. */
function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) return new Float32Array(0); // reported as the wrong length
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** A decoded base64 vector: typed, so only finiteness and a non-zero norm are left to check. */
function float32Problem(v: Float32Array): string | undefined {
  let ss = 0;
  for (let j = 0; j < v.length; j++) ss += v[j] * v[j];
  if (Number.isFinite(ss)) return ss > 0 ? undefined : 'an all-zero vector (it has no direction to compare)';
  const j = v.findIndex((x) => !Number.isFinite(x));
  return `${v[j]} at position ${j}`;
}

/** Texts per HTTP request unless `requestBatchSize` says otherwise. */
export const DEFAULT_REQUEST_BATCH_SIZE = 64;

/**
 * Row batches (of `rowsPerBatch` rows each, e.g. read-lines' 4096-line batches) to keep in
 * flight so that `maxConcurrency` requests of `requestBatchSize` texts stay busy, plus one
 * being filled while the oldest is written. Rows read ahead are then about maxConcurrency ×
 * requestBatchSize + 2 batches: at 256 requests and 4096-line batches, 5 batches (20,480
 * lines) rather than one batch per request (1,048,576 lines, each up to max_line_bytes).
 */
export function httpBatchesInFlight(maxConcurrency: number, rowsPerBatch: number, requestBatchSize = DEFAULT_REQUEST_BATCH_SIZE): number {
  return Math.ceil((maxConcurrency * Math.min(requestBatchSize, rowsPerBatch)) / rowsPerBatch) + 1;
}

/** Accepts `…/v1` and `…/v1/embeddings` (with or without a trailing slash). */
export function embeddingsUrl(endpoint: string): URL {
  return endpointUrl(endpoint, '/embeddings', 'embedding');
}

export async function openHttpEmbedder(options: HttpEmbedderOptions): Promise<Embedder> {
  const model = options.model;
  const requestBatchSize = options.requestBatchSize ?? DEFAULT_REQUEST_BATCH_SIZE;
  const client = openAiClient({
    url: (typeof options.endpoint === 'string' ? [options.endpoint] : options.endpoint).map(embeddingsUrl),
    what: 'embedding',
    apiKeyEnv: options.apiKeyEnv,
    maxConcurrency: options.maxConcurrency,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    retryBaseMs: options.retryBaseMs,
    log: options.log,
  });
  const { redact } = client;

  /**
   * Parses a 2xx body into `out` (rows in input order, taken from each item's index);
   * `first` is the request's offset in the embed() call, for messages.
   */
  function readVectors(body: string, target: string, count: number, first: number, expectDims: number | undefined, out: (dims: number) => Float32Array): void {
    const batch = inputsOf(first, count);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new BadResponseError(`embedding server ${target} returned invalid JSON for ${batch}: ${redact(body.slice(0, ERROR_BODY_CHARS))}`);
    }
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.length !== count) {
      throw new BadResponseError(`embedding server ${target} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${count} inputs (${batch})`);
    }
    const items = data as ({ index?: unknown; embedding?: unknown } | null)[];
    const seen = new Uint8Array(count);
    for (const item of items) {
      const index = item?.index;
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count || seen[index as number]) {
        throw new BadResponseError(`embedding server ${target} returned a duplicate or out-of-range index ${String(index)} for ${batch}`);
      }
      seen[index as number] = 1;
      const e = item!.embedding;
      // A base64 string is checked by its decoded length below (a regex over 22 KB per vector cost 3% of client CPU).
      if (!Array.isArray(e) && typeof e !== 'string') {
        const got = e === null ? 'null' : typeof e;
        throw new BadResponseError(`embedding server ${target} returned ${got} instead of a vector for input ${first + (index as number)} (${batch}; semclust asks for encoding_format "base64" and reads float arrays too)`);
      }
    }
    const vectors = items.map((item) => (typeof item!.embedding === 'string' ? fromBase64(item!.embedding) : (item!.embedding as unknown[])));
    // One length for every vector, other than the one expected: the model, not a glitch.
    const lengths = new Set(vectors.map((v) => v.length));
    if (expectDims !== undefined && lengths.size === 1 && !lengths.has(expectDims)) {
      throw new Error(`embedding model "${model}" at ${target} returned ${vectors[0].length}-d vectors, expected ${expectDims}: check --embedding-model, or start a new output folder for this model`);
    }
    const dims = expectDims ?? vectors[0].length;
    const problems: string[] = [];
    items.forEach((item, k) => {
      const problem = vectorProblem(vectors[k], dims);
      if (problem) problems.push(`input ${first + (item!.index as number)}: ${problem}`);
    });
    if (problems.length > 0) {
      const more = problems.length > PROBLEMS_SHOWN ? `; ${problems.length - PROBLEMS_SHOWN} more` : '';
      throw new BadResponseError(`embedding server ${target} returned unusable vectors for ${batch}: ${problems.slice(0, PROBLEMS_SHOWN).join('; ')}${more}`);
    }
    const rows = out(dims);
    items.forEach((item, k) => rows.set(vectors[k] as ArrayLike<number>, (item!.index as number) * dims));
  }

  /** One request with retries; `out` receives the rows once the dimensionality is known. */
  function request(texts: readonly string[], first: number, expectDims: number | undefined, out: (dims: number) => Float32Array): Promise<void> {
    // base64 float32: a quarter of the bytes of float JSON and no number parsing; servers that
    // ignore it answer float arrays, which are read as well (the same float32 values either way).
    return client.post({ model, input: texts, encoding_format: options.encoding ?? 'base64' }, (body, answered) => readVectors(body, answered, texts.length, first, expectDims, out), {
      maxResponseBytes: expectDims === undefined ? PROBE_RESPONSE_BYTES : maxEmbeddingsResponseBytes(texts.length, expectDims),
      describe: expectDims === undefined ? 'dimension probe' : inputsOf(first, texts.length),
    });
  }

  let dims = options.dims;
  if (dims === undefined) {
    try {
      await request(['dimension probe'], 0, undefined, (d) => new Float32Array((dims = d)));
    } catch (err) {
      client.close();
      throw err;
    }
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
        requests.push(request(chunk, start, knownDims, () => rows));
      }
      await Promise.all(requests);
      return normalizeRows(values, knownDims);
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}
