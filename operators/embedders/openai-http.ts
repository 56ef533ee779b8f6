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
 *
 * Production servers refuse what they will not take, and the run goes on (issue 19):
 * - too many inputs in one request (TEI's --max-client-batch-size, 32 by default): the request
 *   size is halved (or set to the limit the body names) for the rest of the run, said once;
 * - an input over the token limit: the request is split in halves until that input is alone,
 *   the others are embedded, and the input is resent with the server's own truncation
 *   (`--truncate server`: TEI's /embed `truncate: true`, vLLM's `truncate_prompt_tokens`) or
 *   handed back for rejects.jsonl (`--truncate reject`, or a server that cannot be asked).
 * Which server answers (`--server-kind`, or learned from the shape of its first error or
 * answer under `auto`) picks those fields; `usage` is summed per request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { normalizeRows } from '../../core/util/rows.js';
import { BadResponseError, ERROR_BODY_CHARS, RequestRefusedError, endpointUrl, openAiClient, type OpenAiClient, type PostOptions } from '../http/openai-client.js';
import { readRefusal, type Refusal, type ServerKind } from '../http/server-refusal.js';
import type { EmbedOutcome, Embedder, ServedUsage } from './embedder.js';

export interface HttpEmbedderOptions {
  /** Base URL ending in /v1 (…/embeddings is appended) or the full …/embeddings URL; several share the load. */
  endpoint: string | readonly string[];
  model: string;
  /** Environment variable holding the API key, sent as `Authorization: Bearer`. */
  apiKeyEnv?: string;
  /** Requests in flight at once, across every embed() call on this embedder. */
  maxConcurrency?: number;
  /** Texts per HTTP request (default 32); a larger batch is split, and a server that takes fewer lowers it. */
  requestBatchSize?: number;
  /** An input over the server's token limit: the server truncates it (default), or it is handed back by embedChecked. */
  truncate?: 'server' | 'reject';
  /** Which server answers: picks the truncation fields and the route for promptName (default auto: learned from its answers). */
  serverKind?: ServerKind | 'auto';
  /** A prompt the model defines (TEI's prompt_name, sent on its /embed route). */
  promptName?: string;
  /** Sent as `dimensions` (Matryoshka models, OpenAI); every vector must have this length. */
  dimensions?: number;
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
export const DEFAULT_REQUEST_BATCH_SIZE = 32; // TEI's default --max-client-batch-size

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

/** TEI's own route, beside its OpenAI one: `…/v1` → `…/embed`. */
export function teiEmbedUrl(endpoint: string): URL {
  const url = embeddingsUrl(endpoint);
  url.pathname = url.pathname.replace(/\/embeddings$/, '').replace(/\/v1$/, '') + '/embed';
  return url;
}

/** A decoded 2xx answer: one vector per input in input order, and the tokens it reports. */
interface Answer {
  vectors: (Float32Array | unknown[])[];
  promptTokens: number;
  totalTokens: number;
  /** The server, when the answer names it (vLLM's `embd-…` ids, Infinity's `infinity-…`). */
  server?: ServerKind;
}

export async function openHttpEmbedder(options: HttpEmbedderOptions): Promise<Embedder> {
  const model = options.model;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const truncate = options.truncate ?? 'server';
  let server: ServerKind | undefined = options.serverKind === 'auto' ? undefined : options.serverKind;
  if (options.promptName !== undefined && server !== 'tei') {
    throw new Error(`--prompt-name "${options.promptName}" is sent on TEI's /embed route only: add --server-kind tei, or put the prompt's text in --embedding-prefix for ${server ?? 'other servers'}`);
  }
  let requestSize = options.requestBatchSize ?? DEFAULT_REQUEST_BATCH_SIZE;
  if (!Number.isInteger(requestSize) || requestSize < 1) throw new Error(`--request-batch-size must be a whole number above 0, got ${requestSize}`);
  /** The request size last said to the user (said again only when the server forces a smaller one). */
  let said = requestSize;
  const usage: ServedUsage = { requests: 0, prompt_tokens: 0, total_tokens: 0, truncated: 0, too_long: 0, request_batch_size: requestSize, server_kind: server ?? 'unknown' };
  const endpoints = typeof options.endpoint === 'string' ? [options.endpoint] : options.endpoint;
  const clientOptions = {
    what: 'embedding',
    apiKeyEnv: options.apiKeyEnv,
    maxConcurrency: options.maxConcurrency,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    retryBaseMs: options.retryBaseMs,
    log,
  };
  const client = openAiClient({ ...clientOptions, url: endpoints.map(embeddingsUrl) });
  // TEI's /embed takes truncate and prompt_name, which its OpenAI route does not; opened when first needed.
  let teiClient: OpenAiClient | undefined;
  const tei = () => (teiClient ??= openAiClient({ ...clientOptions, url: endpoints.map(teiEmbedUrl) }));
  const { redact } = client;
  const dimensionsHint = options.dimensions === undefined ? '' : ` (--dimensions ${options.dimensions}: does the server and model take "dimensions"?)`;

  function learn(kind: ServerKind | undefined): void {
    if (kind === undefined || server !== undefined) return;
    server = kind;
    usage.server_kind = kind;
    log(`embedding server: answers as ${kind} (--server-kind auto); recorded`);
  }

  function decodeOpenAi(parsed: unknown, target: string, count: number, first: number): Answer {
    const batch = inputsOf(first, count);
    const data = (parsed as { data?: unknown } | null)?.data;
    if (!Array.isArray(data) || data.length !== count) {
      throw new BadResponseError(`embedding server ${target} returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${count} inputs (${batch})`);
    }
    const vectors: (Float32Array | unknown[])[] = new Array(count);
    for (const item of data as ({ index?: unknown; embedding?: unknown } | null)[]) {
      const index = item?.index;
      if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count || vectors[index as number]) {
        throw new BadResponseError(`embedding server ${target} returned a duplicate or out-of-range index ${String(index)} for ${batch}`);
      }
      const e = item!.embedding;
      // A base64 string is checked by its decoded length later (a regex over 22 KB per vector cost 3% of client CPU).
      if (typeof e === 'string') vectors[index as number] = fromBase64(e);
      else if (Array.isArray(e)) vectors[index as number] = e;
      else {
        const got = e === null ? 'null' : typeof e;
        throw new BadResponseError(`embedding server ${target} returned ${got} instead of a vector for input ${first + (index as number)} (${batch}; semclust asks for encoding_format "base64" and reads float arrays too)`);
      }
    }
    const u = (parsed as { usage?: { prompt_tokens?: unknown; total_tokens?: unknown } }).usage;
    const promptTokens = typeof u?.prompt_tokens === 'number' ? u.prompt_tokens : 0;
    const totalTokens = typeof u?.total_tokens === 'number' ? u.total_tokens : promptTokens;
    const id = String((parsed as { id?: unknown }).id ?? '');
    return { vectors, promptTokens, totalTokens, server: id.startsWith('embd-') ? 'vllm' : id.startsWith('infinity-') ? 'infinity' : undefined };
  }

  /** TEI's /embed answer: an array of float arrays, the token count in `x-compute-tokens`. */
  function decodeTei(parsed: unknown, target: string, count: number, first: number, headers: IncomingHttpHeaders): Answer {
    if (!Array.isArray(parsed) || parsed.length !== count || !parsed.every(Array.isArray)) {
      throw new BadResponseError(`embedding server ${target} returned ${Array.isArray(parsed) ? parsed.length : 'no'} embeddings for ${count} inputs (${inputsOf(first, count)}) on TEI's /embed`);
    }
    const tokens = Number(headers['x-compute-tokens'] ?? 0) || 0;
    return { vectors: parsed as unknown[][], promptTokens: tokens, totalTokens: tokens };
  }

  /**
   * Parses a 2xx body into `out` (rows in input order); `first` is the request's offset in
   * the embed() call, for messages.
   */
  function readVectors(body: string, target: string, headers: IncomingHttpHeaders, route: 'openai' | 'tei', count: number, first: number, expectDims: number | undefined, out: (dims: number) => Float32Array): void {
    const batch = inputsOf(first, count);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new BadResponseError(`embedding server ${target} returned invalid JSON for ${batch}: ${redact(body.slice(0, ERROR_BODY_CHARS))}`);
    }
    const answer = route === 'tei' ? decodeTei(parsed, target, count, first, headers) : decodeOpenAi(parsed, target, count, first);
    const vectors = answer.vectors;
    // One length for every vector, other than the one expected: the model, not a glitch.
    const lengths = new Set(vectors.map((v) => v.length));
    if (expectDims !== undefined && lengths.size === 1 && !lengths.has(expectDims)) {
      throw new Error(`embedding model "${model}" at ${target} returned ${vectors[0].length}-d vectors, expected ${expectDims}${dimensionsHint}: check --embedding-model, or start a new output folder for this model`);
    }
    const dims = expectDims ?? vectors[0].length;
    const problems: string[] = [];
    vectors.forEach((v, k) => {
      const problem = vectorProblem(v, dims);
      if (problem) problems.push(`input ${first + k}: ${problem}`);
    });
    if (problems.length > 0) {
      const more = problems.length > PROBLEMS_SHOWN ? `; ${problems.length - PROBLEMS_SHOWN} more` : '';
      throw new BadResponseError(`embedding server ${target} returned unusable vectors for ${batch}: ${problems.slice(0, PROBLEMS_SHOWN).join('; ')}${more}`);
    }
    const rows = out(dims);
    vectors.forEach((v, k) => rows.set(v as ArrayLike<number>, k * dims));
    usage.requests++;
    usage.prompt_tokens += answer.promptTokens;
    usage.total_tokens += answer.totalTokens;
    learn(answer.server);
  }

  /**
   * One request with retries; `out` receives the rows once the dimensionality is known.
   * `cut`: ask the server to truncate (TEI's /embed `truncate`, vLLM's `truncate_prompt_tokens`).
   */
  function request(texts: readonly string[], first: number, expectDims: number | undefined, out: (dims: number) => Float32Array, cut?: { limit?: number }): Promise<void> {
    const post: PostOptions = {
      maxResponseBytes: expectDims === undefined ? PROBE_RESPONSE_BYTES : maxEmbeddingsResponseBytes(texts.length, expectDims),
      describe: expectDims === undefined ? 'dimension probe' : inputsOf(first, texts.length),
    };
    const dimensions = options.dimensions === undefined ? {} : { dimensions: options.dimensions };
    if (server === 'tei' && (options.promptName !== undefined || cut)) {
      const body = { inputs: texts, normalize: false, ...(cut ? { truncate: true } : {}), ...(options.promptName === undefined ? {} : { prompt_name: options.promptName }), ...dimensions };
      return tei().post(body, (text, answered, headers) => readVectors(text, answered, headers, 'tei', texts.length, first, expectDims, out), post);
    }
    // base64 float32: a quarter of the bytes of float JSON and no number parsing; servers that
    // ignore it answer float arrays, which are read as well (the same float32 values either way).
    const truncation = cut ? { truncate_prompt_tokens: cut.limit ?? -1 } : {};
    const body = { model, input: texts, encoding_format: options.encoding ?? 'base64', ...dimensions, ...truncation };
    return client.post(body, (text, answered, headers) => readVectors(text, answered, headers, 'openai', texts.length, first, expectDims, out), post);
  }

  let dims = options.dimensions ?? options.dims;
  if (dims === undefined) {
    try {
      await request(['dimension probe'], 0, undefined, (d) => new Float32Array((dims = d)));
    } catch (err) {
      client.close();
      throw err;
    }
  }
  const knownDims = dims as number;
  let cannotCutSaid = false;

  /** One input the server refused as too long: truncated by the server when it can be asked, else handed back. */
  async function longInput(text: string, index: number, row: Float32Array, refusal: Extract<Refusal, { kind: 'too_long' }>, tooLong: EmbedOutcome['tooLong']): Promise<void> {
    const size = refusal.given === undefined ? 'over' : `${refusal.given} tokens,`;
    const detail = `${size} the server takes at most ${refusal.limit ?? 'fewer'}`;
    if (truncate === 'server' && (server === 'tei' || server === 'vllm')) {
      await request([text], index, knownDims, () => row, { limit: refusal.limit });
      usage.truncated++;
      return;
    }
    if (truncate === 'server' && !cannotCutSaid) {
      cannotCutSaid = true;
      log(`embedding server (${server ?? 'kind unknown'}) cannot be asked to truncate an input; inputs over its limit go to rejects.jsonl as too_long (--server-kind tei or vllm asks those servers)`);
    }
    usage.too_long++;
    tooLong.push({ index, detail });
  }

  /**
   * Embeds texts[0..n) into rows (offset `first` in the embed() call) in requests of at most
   * requestSize texts. A refusal for too many inputs lowers requestSize for the rest of the run;
   * one for a too-long input splits the request in halves until the input is alone.
   */
  async function embedSpan(texts: readonly string[], first: number, rows: Float32Array, tooLong: EmbedOutcome['tooLong']): Promise<void> {
    if (texts.length === 0) return;
    if (texts.length > requestSize) {
      const spans: Promise<void>[] = [];
      for (let start = 0; start < texts.length; start += requestSize) {
        const end = Math.min(texts.length, start + requestSize);
        spans.push(embedSpan(texts.slice(start, end), first + start, rows.subarray(start * knownDims, end * knownDims), tooLong));
      }
      await Promise.all(spans);
      return;
    }
    let refusal: Refusal | undefined;
    try {
      await request(texts, first, knownDims, () => rows);
      if (texts.length === requestSize && said !== requestSize) {
        said = requestSize;
        log(`server takes at most ${requestSize} inputs a request; using ${requestSize} (--request-batch-size ${requestSize} says so at the start)`);
      }
      return;
    } catch (err) {
      if (!(err instanceof RequestRefusedError) || !(refusal = readRefusal(err.status, err.body))) throw err;
      learn(refusal.server);
      if (refusal.kind === 'batch_size' && texts.length === 1) throw err;
    }
    if (refusal.kind === 'batch_size') {
      const named = refusal.max !== undefined && refusal.max < texts.length ? refusal.max : Math.floor(texts.length / 2);
      requestSize = Math.max(1, Math.min(requestSize, named));
      usage.request_batch_size = requestSize;
      return embedSpan(texts, first, rows, tooLong);
    }
    if (texts.length === 1) return longInput(texts[0], first, rows, refusal, tooLong);
    const half = Math.ceil(texts.length / 2);
    await Promise.all([
      embedSpan(texts.slice(0, half), first, rows.subarray(0, half * knownDims), tooLong),
      embedSpan(texts.slice(half), first + half, rows.subarray(half * knownDims), tooLong),
    ]);
  }

  async function embedChecked(texts: readonly string[]): Promise<EmbedOutcome> {
    const vectors = new Float32Array(texts.length * knownDims);
    const tooLong: EmbedOutcome['tooLong'] = [];
    await embedSpan(texts, 0, vectors, tooLong);
    tooLong.sort((a, b) => a.index - b.index);
    return { vectors: normalizeRows(vectors, knownDims), tooLong };
  }

  return {
    model,
    dims: knownDims,
    embedChecked,
    async embed(texts: readonly string[]): Promise<Float32Array> {
      const { vectors, tooLong } = await embedChecked(texts);
      if (tooLong.length > 0) {
        throw new Error(`embedding server refused ${tooLong.length} input(s) as too long (first: input ${tooLong[0].index}, ${tooLong[0].detail}): use --truncate server with --server-kind tei or vllm`);
      }
      return vectors;
    },
    usage: () => ({ ...usage }),
    async close(): Promise<void> {
      client.close();
      teiClient?.close();
    },
  };
}
