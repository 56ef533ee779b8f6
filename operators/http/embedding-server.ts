/**
 * An OpenAI-compatible embedding server over any Embedder (what `semclust serve` runs):
 * `POST /v1/embeddings`, `GET /v1/models`, `GET /health`, errors in OpenAI's JSON shape.
 *
 * Concurrent requests are coalesced: while the embedder works on one batch, arriving
 * inputs queue up and go into the next single embed() call (up to maxBatch texts), so
 * many small requests cost few model calls.
 *
 * Limits, so one client cannot take the process down: a body size (413), inputs per
 * request (413; one request of 1M strings once cost 73 s of CPU and 2.1 GB), no empty
 * input (400). An API key, when the environment variable holds one, is required as
 * `Authorization: Bearer` on every route but /health (401 otherwise); binding an address
 * other than loopback is said on stderr.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { isIP } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Embedder } from '../embedders/embedder.js';
import { SemclustError } from '../../core/util/semclust-error.js';

/** OpenAI's own limit on inputs per embeddings request. */
export const DEFAULT_MAX_INPUTS = 2048;
export const SERVE_API_KEY_ENV = 'SEMCLUST_SERVE_API_KEY';

export interface EmbeddingServerOptions {
  /** Default 127.0.0.1. Another address gets a warning (see `warn`). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Reported by /v1/models and in responses; defaults to embedder.model. */
  modelName?: string;
  /** Other names a request's 'model' may give (e.g. the setting it was opened from, "static"). */
  modelAliases?: readonly string[];
  /** Most texts per embed() call; larger requests are split. */
  maxBatch?: number;
  /** Request bodies above this size are refused with 413. */
  maxRequestBytes?: number;
  /** false: every request calls the embedder itself, concurrently (no coalescing). */
  coalesce?: boolean;
  /** Requests with more inputs are refused with 413 (default DEFAULT_MAX_INPUTS). */
  maxInputs?: number;
  /** Environment variable whose value, when set and non-empty, every request must send as its Bearer key. */
  apiKeyEnv?: string;
  /** Receives warnings such as a non-loopback bind (default: stderr). */
  warn?: (line: string) => void;
}

export interface EmbeddingServer {
  /** Base URL ending in /v1, ready for openHttpEmbedder's endpoint. */
  url: string;
  /** Stops listening; the embedder stays open (the caller owns it). */
  close(): Promise<void>;
}

class HttpError extends SemclustError {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'invalid_request_error',
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

interface Pending {
  texts: readonly string[];
  resolve(values: Float32Array): void;
  reject(err: unknown): void;
}

/**
 * Runs one embed() at a time over as many queued requests as fit in maxBatch texts.
 * Dispatch waits for setImmediate so that every request parsed in the same event-loop
 * turn joins the batch, even when the embedder answers faster than requests arrive.
 */
function coalescingEmbed(embedder: Embedder, maxBatch: number): (texts: readonly string[]) => Promise<Float32Array> {
  const queue: Pending[] = [];
  let busy = false;
  let scheduled = false;

  const schedule = (): void => {
    if (busy || scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(pump);
  };

  const pump = (): void => {
    scheduled = false;
    let count = queue[0].texts.length;
    let take = 1;
    while (take < queue.length && count + queue[take].texts.length <= maxBatch) count += queue[take++].texts.length;
    const batch = queue.splice(0, take);
    const texts = take === 1 ? batch[0].texts : batch.flatMap((p) => p.texts);
    busy = true;
    // A synchronous throw from embed() must reject the batch, not escape setImmediate.
    Promise.resolve().then(() => embedder.embed(texts)).then(
      (values) => {
        let offset = 0;
        for (const p of batch) {
          const size = p.texts.length * embedder.dims;
          p.resolve(values.subarray(offset, offset + size));
          offset += size;
        }
      },
      (err) => batch.forEach((p) => p.reject(err)),
    ).finally(() => {
      busy = false;
      schedule();
    });
  };

  return (texts) =>
    new Promise((resolve, reject) => {
      queue.push({ texts, resolve, reject });
      schedule();
    });
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        reject(new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Validates an embeddings request body; returns the texts and the requested encoding
 * (base64 is what the openai Python client asks for by default). A 'model' other than the
 * served one is refused as OpenAI does (404 model_not_found), so a client configured for
 * another model never silently gets these vectors; a request without 'model' is served.
 */
function parseRequest(body: Buffer, dims: number, models: ReadonlySet<string>, served: string, maxInputs: number): { texts: string[]; base64: boolean } {
  let json: { input?: unknown; encoding_format?: unknown; dimensions?: unknown; model?: unknown };
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
  if (json === null || typeof json !== 'object') throw new HttpError(400, 'request body must be a JSON object');
  const { input, encoding_format: format = 'float', dimensions } = json;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string')) {
    throw new HttpError(400, "'input' must be a string or a non-empty array of strings (token arrays are not supported)", undefined, null, 'input');
  }
  if (texts.length > maxInputs) {
    throw new HttpError(413, `'input' holds ${texts.length} texts; this server takes at most ${maxInputs} per request: split it into smaller requests`, undefined, null, 'input');
  }
  const empty = texts.indexOf('');
  if (empty >= 0) {
    // OpenAI refuses empty strings too; an empty text has no meaning to embed.
    throw new HttpError(400, typeof input === 'string' ? "'input' is an empty string" : `'input[${empty}]' is an empty string`, undefined, null, 'input');
  }
  if (format !== 'float' && format !== 'base64') {
    throw new HttpError(400, `'encoding_format' must be "float" or "base64", got ${JSON.stringify(format)}`, undefined, null, 'encoding_format');
  }
  if (dimensions !== undefined && dimensions !== dims) {
    throw new HttpError(400, `this model produces ${dims}-d vectors; 'dimensions' ${JSON.stringify(dimensions)} is not supported`, undefined, null, 'dimensions');
  }
  if (json.model !== undefined && !(typeof json.model === 'string' && models.has(json.model))) {
    throw new HttpError(
      404,
      `The model ${JSON.stringify(json.model)} does not exist on this server: it serves ${JSON.stringify(served)} only (GET /v1/models). Ask for that model, or start \`semclust serve --embedding-model ${typeof json.model === 'string' ? json.model : 'NAME'}\``,
      'invalid_request_error',
      'model_not_found',
      'model',
    );
  }
  return { texts, base64: format === 'base64' };
}

/**
 * Writes the response JSON by hand: 9 significant digits round-trip every float32 exactly
 * and make the body about a third smaller and faster to produce than JSON.stringify.
 */
function responseBody(values: Float32Array, count: number, dims: number, base64: boolean, model: string, tokens: number): string {
  const parts: string[] = [];
  const row = new Array<string>(dims);
  for (let i = 0; i < count; i++) {
    const vector = values.subarray(i * dims, (i + 1) * dims);
    let embedding: string;
    if (base64) {
      embedding = `"${Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')}"`;
    } else {
      for (let j = 0; j < dims; j++) {
        const v = vector[j];
        if (!Number.isFinite(v)) throw new HttpError(500, 'the embedder produced a non-finite value', 'server_error');
        row[j] = v.toPrecision(9);
      }
      embedding = `[${row.join(',')}]`;
    }
    parts.push(`{"object":"embedding","index":${i},"embedding":${embedding}}`);
  }
  return `{"object":"list","data":[${parts.join(',')}],"model":${JSON.stringify(model)},"usage":{"prompt_tokens":${tokens},"total_tokens":${tokens}}}`;
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendError(res: http.ServerResponse, err: HttpError): void {
  send(res, err.status, JSON.stringify({ error: { message: err.message, type: err.type, param: err.param, code: err.code } }));
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped form; what the OS resolved `host` to. */
function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/** Compares digests, so the time taken says nothing about how much of the key matched. */
function keyMatches(header: string | undefined, key: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(m[1].trim()), digest(key));
}

export async function startEmbeddingServer(embedder: Embedder, options: EmbeddingServerOptions = {}): Promise<EmbeddingServer> {
  const host = options.host ?? '127.0.0.1';
  const modelName = options.modelName ?? embedder.model;
  const models = new Set([modelName, embedder.model, ...(options.modelAliases ?? [])]);
  const maxBatch = options.maxBatch ?? 512;
  const maxRequestBytes = options.maxRequestBytes ?? 16 << 20;
  const maxInputs = options.maxInputs ?? DEFAULT_MAX_INPUTS;
  const keyEnv = options.apiKeyEnv ?? SERVE_API_KEY_ENV;
  const apiKey = process.env[keyEnv] || undefined;
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const dims = embedder.dims;
  const embedBatch = options.coalesce === false ? (t: readonly string[]) => embedder.embed(t) : coalescingEmbed(embedder, maxBatch);
  const created = Math.floor(Date.now() / 1000);

  /** Splits a request into maxBatch pieces so one large request cannot starve small ones. */
  async function embedAll(texts: string[]): Promise<Float32Array> {
    if (texts.length <= maxBatch) return embedBatch(texts);
    const out = new Float32Array(texts.length * dims);
    const pieces: Promise<void>[] = [];
    for (let start = 0; start < texts.length; start += maxBatch) {
      pieces.push(embedBatch(texts.slice(start, start + maxBatch)).then((v) => out.set(v, start * dims)));
    }
    await Promise.all(pieces);
    return out;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    const route = `${req.method} ${path}`;
    // Health checks come from load balancers that hold no key.
    if (route === 'GET /health') return send(res, 200, '{"status":"ok"}');
    if (apiKey && !keyMatches(req.headers.authorization, apiKey)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(401, `this server requires an API key: send the value of ${keyEnv} as "Authorization: Bearer KEY"`, 'invalid_request_error', 'invalid_api_key');
    }
    if (route === 'GET /v1/models') {
      return send(res, 200, JSON.stringify({ object: 'list', data: [{ id: modelName, object: 'model', created, owned_by: 'semclust' }] }));
    }
    if (path === '/v1/embeddings' && req.method !== 'POST') throw new HttpError(405, 'use POST for /v1/embeddings');
    if (route !== 'POST /v1/embeddings') throw new HttpError(404, `unknown route: ${req.method} ${path}`, undefined, 'unknown_url');
    const { texts, base64 } = parseRequest(await readBody(req, maxRequestBytes), dims, models, modelName, maxInputs);
    let values: Float32Array;
    try {
      values = await embedAll(texts);
    } catch (err) {
      throw new HttpError(500, `embedding failed: ${(err as Error).message}`, 'server_error');
    }
    // Counted as the model's tokenizer reads them (0 for an embedder that cannot say, e.g. a server behind a server).
    const tokens = embedder.countTokens?.(texts) ?? 0;
    send(res, 200, responseBody(values, texts.length, dims, base64, modelName, tokens));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const httpErr = err instanceof HttpError ? err : new HttpError(500, (err as Error).message, 'server_error');
      // An unread body (e.g. after a 413) would otherwise be parsed as the next request.
      if (!req.complete) res.setHeader('connection', 'close');
      if (!res.headersSent) sendError(res, httpErr);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const urlHost = address.includes(':') ? `[${address}]` : address;
  if (!isLoopback(address)) {
    warn(
      `warning: serving on ${urlHost}:${port}, which other machines can reach` +
        (apiKey
          ? `; requests need the key in ${keyEnv}, sent over plain HTTP (put a TLS proxy in front on an untrusted network)`
          : ` without any key: set ${keyEnv} to require one, or use --host 127.0.0.1`),
    );
  }
  return {
    url: `http://${urlHost}:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
