/**
 * Embedding backend for OpenAI-compatible servers (vLLM, TEI, Infinity, Ollama, OpenAI):
 * `POST {base}/embeddings` with `{model, input, encoding_format: 'float'}`.
 *
 * Transport is node:http(s) with a keep-alive agent rather than the global fetch: on
 * 127.0.0.1 with many small requests it measured 1.3–5× more requests/s than fetch
 * (bench/http-embed.ts prints the comparison).
 */
import http from 'node:http';
import https from 'node:https';
import pLimit from 'p-limit';
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

const MAX_BACKOFF_MS = 30_000;
const ERROR_BODY_CHARS = 500;
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Accepts `…/v1` and `…/v1/embeddings` (with or without a trailing slash). */
export function embeddingsUrl(endpoint: string): URL {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`embedding endpoint must be an http(s) URL, got ${url.protocol}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/embeddings') ? path : `${path}/embeddings`;
  return url;
}

interface RawResponse {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

/** The outcome of one attempt that did not produce vectors and may be retried. */
interface Transient {
  reason: string;
  retryAfterMs: number;
}

/** `Retry-After` is either delay-seconds or an HTTP date. */
function parseRetryAfter(value: string | undefined): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function openHttpEmbedder(options: HttpEmbedderOptions): Promise<Embedder> {
  const url = embeddingsUrl(options.endpoint);
  const model = options.model;
  const requestBatchSize = options.requestBatchSize ?? 64;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRetries = options.maxRetries ?? 6;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const apiKey = process.env[options.apiKeyEnv ?? 'OPENAI_API_KEY'] || undefined;
  const limit = pLimit(options.maxConcurrency ?? 4);
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true });
  const target = url.href;

  // Error text may quote the server's body; a server that echoes headers must not leak the key.
  const redact = (text: string): string => (apiKey ? text.split(apiKey).join('[redacted]') : text);

  function post(body: Buffer): Promise<RawResponse> {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': body.length,
      accept: 'application/json',
    };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const req = client.request(url, { method: 'POST', agent, headers }, async (res) => {
        try {
          const chunks: Buffer[] = [];
          for await (const chunk of res) chunks.push(chunk as Buffer);
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter, body: Buffer.concat(chunks).toString('utf8') });
        } catch (err) {
          reject(timedOut ? timeoutError() : err);
        } finally {
          clearTimeout(timer);
        }
      });
      const timeoutError = () => Object.assign(new Error(`no complete response within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(timeoutError());
      }, timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(timedOut ? timeoutError() : err);
      });
      req.end(body);
    });
  }

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

  async function attempt(
    body: Buffer,
    count: number,
    expectDims: number | undefined,
    out: (dims: number) => Float32Array,
  ): Promise<Transient | undefined> {
    let res: RawResponse;
    try {
      res = await post(body);
    } catch (err) {
      const code = (err as { code?: string }).code;
      const reason = `${code ?? 'error'} from ${target}: ${(err as Error).message}`;
      if (code && TRANSIENT_CODES.has(code)) return { reason, retryAfterMs: 0 };
      throw new Error(`embedding request failed (not retried): ${reason}`);
    }
    if (res.status >= 200 && res.status < 300) {
      readVectors(res.body, count, expectDims, out);
      return undefined;
    }
    const detail = `HTTP ${res.status} from ${target}: ${redact(res.body.slice(0, ERROR_BODY_CHARS))}`;
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      return { reason: detail, retryAfterMs: parseRetryAfter(res.retryAfter) };
    }
    throw new Error(`embedding request failed (not retried): ${detail}`);
  }

  /** One request with retries; `out` receives the rows once the dimensionality is known. */
  async function request(
    texts: readonly string[],
    expectDims: number | undefined,
    out: (dims: number) => Float32Array,
  ): Promise<void> {
    const body = Buffer.from(JSON.stringify({ model, input: texts, encoding_format: 'float' }));
    for (let retry = 0; ; retry++) {
      const failure = await attempt(body, texts.length, expectDims, out);
      if (!failure) return;
      if (retry >= maxRetries) {
        throw new Error(`embedding request failed after ${retry + 1} attempts: ${failure.reason}`);
      }
      const backoff = Math.random() * Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** retry);
      await sleep(Math.max(failure.retryAfterMs, backoff));
    }
  }

  let dims = options.dims;
  if (dims === undefined) {
    await limit(() => request(['dimension probe'], undefined, (d) => new Float32Array((dims = d))));
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
        requests.push(limit(() => request(chunk, knownDims, () => rows)));
      }
      await Promise.all(requests);
      return normalizeRows(values, knownDims);
    },
    async close(): Promise<void> {
      agent.destroy();
    },
  };
}
