/**
 * Stand-ins for the embedding servers semclust meets in production, on 127.0.0.1, speaking
 * each one's routes, request fields, limits and error bodies as their sources write them
 * (checked against text-embeddings-inference router/src/http/server.rs and types.rs, vLLM's
 * OpenAI ErrorResponse, Infinity's and Ollama's API docs):
 *
 * - TEI: `POST /v1/embeddings` (truncates only when started with --auto-truncate; other body
 *   fields are ignored) and `POST /embed` (`truncate`, `prompt_name`, `dimensions`; float
 *   arrays; the token count in `x-compute-tokens`). --max-client-batch-size 32 and
 *   --max-input-length 512 by default; a batch or input over them is 413 with
 *   `{"message", "code", "type": "validation"}` (OpenAI route) or `{"error", "error_type"}` (/embed).
 * - vLLM: `POST /v1/embeddings`, the model name checked (404 NotFoundError), an input over
 *   --max-model-len is 400 `{"object": "error", "type": "BadRequestError", …}` unless the
 *   request sets `truncate_prompt_tokens` (-1: the model's maximum).
 * - Infinity: `POST /embeddings`, truncating silently, at most 2048 inputs (422).
 * - Ollama: `POST /api/embed` (`truncate` defaults to true; false and a long input is 400
 *   `{"error": …}`) and `POST /v1/embeddings` (truncates).
 *
 * The stand-in's tokenizer is one token per whitespace-separated word; vectors come from a
 * precomputed pool (picked by a hash of the text as the model saw it, after any prompt and
 * truncation), so answering costs string joins, not model work: the bench measures the client.
 * `dimensions` keeps the first N values (Matryoshka). Every request body is kept in
 * `received` unless `record` is false; `tokens` counts what successful answers reported.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ServedKind = 'tei' | 'vllm' | 'infinity' | 'ollama';

export interface ServedModelOptions {
  kind: ServedKind;
  /** Model name; vLLM refuses requests for another (default "served-model"). */
  model?: string;
  dims?: number;
  /** TEI --max-client-batch-size (default 32); Infinity's is 2048; vLLM and Ollama have none. */
  maxBatch?: number;
  /** Tokens an input may have: TEI --max-input-length / vLLM --max-model-len / Ollama num_ctx (default 512). */
  maxTokens?: number;
  /** TEI --auto-truncate. */
  autoTruncate?: boolean;
  /** TEI prompts the model defines (sentence-transformers config): name → text put before the input. */
  prompts?: Record<string, string>;
  /** Keep every request's path and body in `received` (default true). */
  record?: boolean;
  /** Every Nth request is answered as TEI answers a full queue: 429 `{"error": "Model is overloaded", "error_type": "overloaded"}`. */
  overloadEvery?: number;
}

export interface ServedModel {
  /** The base URL a client is given: …/v1 for TEI, vLLM and Ollama, the root for Infinity. */
  url: string;
  /** The server root (TEI's /embed, Ollama's /api/embed). */
  root: string;
  received: { path: string; body: Record<string, unknown> }[];
  /** Requests answered with an error, by status. */
  refused: Map<number, number>;
  requests: number;
  /** Tokens reported in successful answers (usage.prompt_tokens, x-compute-tokens, prompt_eval_count). */
  tokens: number;
  /** Inputs the server cut to its limit in successful answers. */
  truncated: number;
  /** Inputs embedded in successful answers. */
  embedded: number;
  close(): Promise<void>;
}

export const countTokens = (text: string): number => text.split(/\s+/).filter(Boolean).length;

const cut = (text: string, tokens: number): string => text.split(/\s+/).filter(Boolean).slice(0, tokens).join(' ');

/** FNV-1a over UTF-16 code units: which pool vector a text gets. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const POOL = 256;

/** Precomputed answers per dimension: each vector as base64 float32 and as a JSON array. */
class VectorPool {
  private readonly byDims = new Map<number, { base64: string[]; json: string[] }>();
  private readonly full: Float32Array[] = [];

  constructor(readonly dims: number) {
    let s = 0x2545f491;
    for (let k = 0; k < POOL; k++) {
      const v = new Float32Array(dims);
      for (let j = 0; j < dims; j++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        v[j] = ((s >>> 0) / 2 ** 32) * 2 - 1;
      }
      this.full.push(v);
    }
  }

  get(dims: number): { base64: string[]; json: string[] } {
    let p = this.byDims.get(dims);
    if (!p) {
      const vs = this.full.map((v) => v.slice(0, dims));
      p = { base64: vs.map((v) => Buffer.from(v.buffer).toString('base64')), json: vs.map((v) => `[${Array.from(v).join(',')}]`) };
      this.byDims.set(dims, p);
    }
    return p;
  }
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(JSON.stringify(body));
  }
}

const asInputs = (input: unknown): string[] => (typeof input === 'string' ? [input] : Array.isArray(input) ? (input as string[]) : []);

export async function startServedModel(o: ServedModelOptions): Promise<ServedModel> {
  const model = o.model ?? 'served-model';
  const dims = o.dims ?? 32;
  const maxTokens = o.maxTokens ?? 512;
  const maxBatch = o.maxBatch ?? (o.kind === 'tei' ? 32 : o.kind === 'infinity' ? 2048 : Infinity);
  const pool = new VectorPool(dims);
  const state: Omit<ServedModel, 'url' | 'root' | 'close'> = { received: [], refused: new Map(), requests: 0, tokens: 0, truncated: 0, embedded: 0 };

  /** Texts as the model sees them, and their token count; `truncate` false and a long one refuses with `tooLong`. */
  function prepare(texts: string[], truncate: boolean, tooLong: (given: number) => Refusal): { seen: string[]; tokens: number; truncated: number } {
    let tokens = 0;
    let truncated = 0;
    const seen = texts.map((t) => {
      const n = countTokens(t);
      if (n <= maxTokens) {
        tokens += n;
        return t;
      }
      if (!truncate) throw tooLong(n);
      truncated++;
      tokens += maxTokens;
      return cut(t, maxTokens);
    });
    return { seen, tokens, truncated };
  }

  /** An OpenAI-shaped answer, written by joining precomputed vectors. */
  function openAiAnswer(seen: string[], body: Record<string, unknown>, tokens: number, extra: string): string {
    const p = pool.get(typeof body.dimensions === 'number' ? Math.min(body.dimensions, dims) : dims);
    const base64 = body.encoding_format === 'base64';
    const data = seen.map((t, index) => `{"object":"embedding","index":${index},"embedding":${base64 ? `"${p.base64[hash(t) % POOL]}"` : p.json[hash(t) % POOL]}}`);
    return `{${extra}"object":"list","model":${JSON.stringify(model)},"data":[${data.join(',')}],"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`;
  }

  function tei(path: string, body: Record<string, unknown>): { text: string; headers?: Record<string, string> } {
    const openAi = path === '/v1/embeddings';
    const refuse = (status: number, message: string, type: string) =>
      new Refusal(status, openAi ? { message, code: status, type } : { error: message, error_type: type });
    const texts = asInputs(openAi ? body.input : body.inputs);
    if (texts.length === 0) throw refuse(400, '`inputs` cannot be empty', 'empty');
    if (texts.length > maxBatch) throw refuse(413, `batch size ${texts.length} > maximum allowed batch size ${maxBatch}`, 'validation');
    let prompted = texts;
    if (!openAi && typeof body.prompt_name === 'string') {
      const prompt = o.prompts?.[body.prompt_name];
      if (prompt === undefined) throw refuse(413, `Input validation error: Prompt name \`${body.prompt_name}\` not found in the available prompts: ${JSON.stringify(Object.keys(o.prompts ?? {}))}`, 'validation');
      prompted = texts.map((t) => prompt + t);
    }
    // The OpenAI route takes no truncate field: only --auto-truncate cuts there.
    const truncate = openAi ? o.autoTruncate === true : typeof body.truncate === 'boolean' ? body.truncate : o.autoTruncate === true;
    const { seen, tokens, truncated } = prepare(prompted, truncate, (n) => refuse(413, `Input validation error: \`inputs\` must have less than ${maxTokens} tokens. Given: ${n}`, 'validation'));
    count(seen.length, tokens, truncated);
    if (openAi) return { text: openAiAnswer(seen, body, tokens, '') };
    const p = pool.get(typeof body.dimensions === 'number' ? Math.min(body.dimensions, dims) : dims);
    return { text: `[${seen.map((t) => p.json[hash(t) % POOL]).join(',')}]`, headers: { 'x-compute-tokens': String(tokens) } };
  }

  function vllm(body: Record<string, unknown>): { text: string } {
    const refuse = (status: number, message: string, type: string) => new Refusal(status, { object: 'error', message, type, param: null, code: status });
    if (body.model !== model) throw refuse(404, `The model \`${String(body.model)}\` does not exist.`, 'NotFoundError');
    const texts = asInputs(body.input);
    const limit = body.truncate_prompt_tokens;
    if (typeof limit === 'number' && limit > maxTokens) {
      throw refuse(400, `truncate_prompt_tokens value (${limit}) is greater than max_model_len (${maxTokens}). Please, select a smaller truncation size.`, 'BadRequestError');
    }
    const { seen, tokens, truncated } = prepare(texts, limit === -1 || typeof limit === 'number', (n) =>
      refuse(400, `This model's maximum context length is ${maxTokens} tokens. However, you requested ${n} tokens in the input for embedding generation. Please reduce the length of the input.`, 'BadRequestError'),
    );
    count(seen.length, tokens, truncated);
    return { text: openAiAnswer(seen, body, tokens, `"id":"embd-${state.requests}","created":${Math.floor(Date.now() / 1000)},`) };
  }

  function infinity(body: Record<string, unknown>): { text: string } {
    const texts = asInputs(body.input);
    if (texts.length === 0 || texts.length > maxBatch) {
      throw new Refusal(422, { detail: [{ type: texts.length === 0 ? 'too_short' : 'too_long', loc: ['body', 'input'], msg: `List should have at most ${maxBatch} items after validation, not ${texts.length}` }] });
    }
    const { seen, tokens, truncated } = prepare(texts, true, () => new Refusal(500, {}));
    count(seen.length, tokens, truncated);
    return { text: openAiAnswer(seen, body, tokens, `"id":"infinity-${state.requests}","created":${Math.floor(Date.now() / 1000)},`) };
  }

  function ollama(path: string, body: Record<string, unknown>): { text: string } {
    const texts = asInputs(body.input);
    const native = path === '/api/embed';
    const truncate = native ? body.truncate !== false : true;
    const { seen, tokens, truncated } = prepare(texts, truncate, () => new Refusal(400, { error: 'the input length exceeds the context length' }));
    count(seen.length, tokens, truncated);
    if (!native) return { text: openAiAnswer(seen, body, tokens, '') };
    const p = pool.get(typeof body.dimensions === 'number' ? Math.min(body.dimensions, dims) : dims);
    return { text: `{"model":${JSON.stringify(model)},"embeddings":[${seen.map((t) => p.json[hash(t) % POOL]).join(',')}],"total_duration":1000,"load_duration":10,"prompt_eval_count":${tokens}}` };
  }

  function count(embedded: number, tokens: number, truncated: number): void {
    state.embedded += embedded;
    state.tokens += tokens;
    state.truncated += truncated;
  }

  const routes: Record<ServedKind, Record<string, (body: Record<string, unknown>, path: string) => { text: string; headers?: Record<string, string> }>> = {
    tei: { '/v1/embeddings': (b, p) => tei(p, b), '/embed': (b, p) => tei(p, b) },
    vllm: { '/v1/embeddings': (b) => vllm(b) },
    infinity: { '/embeddings': (b) => infinity(b) },
    ollama: { '/api/embed': (b, p) => ollama(p, b), '/v1/embeddings': (b, p) => ollama(p, b) },
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    state.requests++;
    const path = (req.url ?? '/').split('?')[0];
    const route = req.method === 'POST' ? routes[o.kind][path] : undefined;
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      if (status >= 400) state.refused.set(status, (state.refused.get(status) ?? 0) + 1);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    if (!route) return send(404, JSON.stringify(o.kind === 'vllm' ? { detail: 'Not Found' } : { error: `no route ${req.method} ${path}` }));
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      return send(422, JSON.stringify({ error: `Failed to parse the request body as JSON: ${(e as Error).message}`, error_type: 'validation' }));
    }
    if (o.record !== false) state.received.push({ path, body });
    if (o.overloadEvery && state.requests % o.overloadEvery === 0) return send(429, JSON.stringify({ error: 'Model is overloaded', error_type: 'overloaded' }));
    try {
      const { text, headers } = route(body, path);
      send(200, text, headers);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      send(e.status, JSON.stringify(e.body));
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    root,
    url: o.kind === 'infinity' ? root : `${root}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
