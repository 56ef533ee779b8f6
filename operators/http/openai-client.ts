/**
 * The transport every OpenAI-compatible client shares (embeddings, chat completions):
 * JSON POSTs over node:http(s) with a keep-alive agent, `maxConcurrency` requests in flight,
 * retries with exponential backoff and full jitter on 408/429/5xx, timeouts, connection
 * errors and unusable 2xx bodies (honouring `Retry-After` up to a cap), one line per retry,
 * response bodies read with a size cap, the API key read from an environment variable,
 * sent as `Authorization: Bearer`, and the key and URL credentials redacted from every
 * message (core/util/redact-url.ts).
 *
 * Several endpoints (the same model on many servers) share the load: each request goes to the
 * endpoint with the fewest requests in flight; a failed attempt is retried at once on another
 * endpoint when one is healthy; an endpoint that fails twice in a row is rested (1 s, doubling
 * to 30 s) while the others carry the load, and comes back when its next attempt succeeds.
 *
 * close() ends everything at once: requests in flight, retries waiting out their backoff
 * and requests still queued, so a process exits as soon as its caller gives up.
 *
 * node:http rather than the global fetch: on 127.0.0.1 with many small requests it measured
 * 1.3–5× more requests/s than fetch (bench/http-embed.ts prints the comparison).
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import pLimit from 'p-limit';
import { redactUrl, redactUrlIn } from '../../core/util/redact-url.js';
import { MAX_CONCURRENCY } from '../../schemas/config.js';
import { SemclustError } from '../../core/util/semclust-error.js';

export interface OpenAiClientOptions {
  /** Full URL of the endpoint (…/v1/embeddings, …/v1/chat/completions), or of each of several serving one model. */
  url: URL | readonly URL[];
  /** Names the client in errors: "embedding", "label". */
  what: string;
  /** Environment variable holding the API key. */
  apiKeyEnv?: string;
  /** Requests in flight at once, across every call on this client (1 to MAX_CONCURRENCY). */
  maxConcurrency?: number;
  /** Per attempt, for the complete response. */
  timeoutMs?: number;
  /** Retries after the first attempt on 408/429/5xx, timeouts, connection errors and bad bodies. */
  maxRetries?: number;
  /** Backoff scale: retry n waits a uniform random time in [0, retryBaseMs·2ⁿ] (capped at 30 s). */
  retryBaseMs?: number;
  /** Receives one line per retry (default: stderr). */
  log?: (line: string) => void;
}

export interface PostOptions {
  /** A 2xx body larger than this is an error (default DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Names the request in messages, e.g. "inputs 64–127 of the batch". */
  describe?: string;
}

export type Parse<T> = (text: string, target: string, headers: http.IncomingHttpHeaders) => T;

export interface OpenAiClient {
  /** The endpoint URL with credentials redacted, for messages. */
  readonly target: string;
  /** POSTs `body` (retrying transient failures) and hands the 2xx body text, the endpoint that answered and the headers to `parse`. */
  post<T>(body: unknown, parse: Parse<T>, options?: PostOptions): Promise<T>;
  /** The text with the API key and the URL's credentials replaced. */
  redact(text: string): string;
  /** Aborts requests in flight, pending retries and queued requests; they reject. */
  close(): void;
}

/**
 * Thrown by a `parse` callback for a 2xx body that cannot be used (bad JSON, wrong count,
 * null or non-finite vectors): retried like a 5xx, since a proxy or an overloaded server
 * produces such bodies now and then, and fatal when the retries run out.
 */
export class BadResponseError extends SemclustError {}

/**
 * A 4xx other than 408/429: not retried as it stands, but the caller may change the request
 * (fewer inputs, one long input cut) and send again, so the status and body are kept.
 */
export class RequestRefusedError extends SemclustError {
  constructor(
    message: string,
    readonly status: number,
    /** The body as received, credentials redacted, at most MAX_ERROR_BODY_BYTES. */
    readonly body: string,
  ) {
    super(message);
  }
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 6;
/** A server asking for longer (Retry-After: 3600 was seen) is waited on this long, and the log says so. */
export const MAX_RETRY_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 << 20;
/** Error bodies are only quoted (ERROR_BODY_CHARS), so no more than this is read of one. */
const MAX_ERROR_BODY_BYTES = 64 << 10;
export const ERROR_BODY_CHARS = 500;
/** An endpoint failing this many attempts in a row is rested; the rest doubles per failure up to MAX_REST_MS. */
const REST_AFTER_FAILURES = 2;
const FIRST_REST_MS = 1000;
const MAX_REST_MS = 30_000;
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

/** `base` (…/v1) with `suffix` appended unless it already ends with it; http(s) only. */
export function endpointUrl(base: string, suffix: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`${what} endpoint ${redactUrl(base)} is not a URL: give the server's base URL, e.g. http://127.0.0.1:8080/v1`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${what} endpoint must be an http(s) URL, got ${url.protocol}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(suffix) ? path : `${path}${suffix}`;
  return url;
}

interface Endpoint {
  url: URL;
  client: typeof http | typeof https;
  agent: http.Agent;
  /** The URL with credentials redacted, for messages. */
  target: string;
  inFlight: number;
  /** Failed attempts in a row. */
  failures: number;
  /** Date.now() before which the endpoint gets no request (0: healthy). */
  restUntil: number;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** `Retry-After` is either delay-seconds or an HTTP date. */
function parseRetryAfter(value: string | undefined): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

type Attempt<T> = { ok: T } | { reason: string; retryAfterMs: number };

export function openAiClient(o: OpenAiClientOptions): OpenAiClient {
  const urls = Array.isArray(o.url) ? (o.url as readonly URL[]) : [o.url as URL];
  if (urls.length === 0) throw new Error(`${o.what} client: no endpoint given`);
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = o.maxRetries ?? DEFAULT_MAX_RETRIES;
  const retryBaseMs = o.retryBaseMs ?? 500;
  const maxConcurrency = o.maxConcurrency ?? 4;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
    throw new Error(`${o.what} client: max concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${maxConcurrency}`);
  }
  if (!(timeoutMs > 0)) throw new Error(`${o.what} client: the request timeout must be above 0, got ${timeoutMs} ms`);
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const apiKey = process.env[o.apiKeyEnv ?? 'OPENAI_API_KEY'] || undefined;
  const limit = pLimit(maxConcurrency);
  const endpoints: Endpoint[] = urls.map((url) => {
    const client = url.protocol === 'https:' ? https : http;
    return { url, client, agent: new client.Agent({ keepAlive: true }), target: redactUrl(url), inFlight: 0, failures: 0, restUntil: 0 };
  });
  const target = endpoints.length === 1 ? endpoints[0].target : `${endpoints.length} endpoints (${endpoints.map((e) => e.target).join(', ')})`;
  // Error text may quote the server's body; a server that echoes headers or the URL must not leak secrets.
  const redact = (text: string): string => urls.reduce((t, url) => redactUrlIn(t, url), apiKey ? text.split(apiKey).join('[redacted]') : text);
  const aborter = new AbortController();
  // Each request in flight and each retry waiting listens for close(): at most two per slot.
  setMaxListeners(2 * maxConcurrency + 1, aborter.signal);
  const closedError = () => new Error(`${o.what} client for ${target} was closed`);

  function send(ep: Endpoint, body: Buffer, maxBytes: number): Promise<RawResponse> {
    const { url, client, agent, target } = ep;
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': body.length, accept: 'application/json' };
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    return new Promise((resolve, reject) => {
      let failure: Error | undefined;
      const fail = (err: Error) => {
        failure ??= err;
        clearTimeout(timer);
        req.destroy(failure);
        reject(failure);
      };
      const req = client.request(url, { method: 'POST', agent, headers, signal: aborter.signal }, async (res) => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const cap = ok ? maxBytes : MAX_ERROR_BODY_BYTES;
        const declared = Number(res.headers['content-length']);
        if (ok && declared > cap) return fail(tooLarge(`Content-Length ${declared}`, cap, target));
        try {
          const chunks: Buffer[] = [];
          let size = 0;
          for await (const chunk of res) {
            size += (chunk as Buffer).length;
            if (size > cap) {
              if (ok) return fail(tooLarge(`${size} bytes received`, cap, target));
              // An error body is only quoted: keep its start, drop the connection.
              chunks.push((chunk as Buffer).subarray(0, cap - (size - (chunk as Buffer).length)));
              res.destroy();
              break;
            }
            chunks.push(chunk as Buffer);
          }
          resolve({ status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        } catch (err) {
          reject(failure ?? err);
        } finally {
          clearTimeout(timer);
        }
      });
      const timer = setTimeout(() => fail(Object.assign(new Error(`no complete response within ${seconds(timeoutMs)}`), { code: 'ETIMEDOUT' })), timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(failure ?? err);
      });
      req.end(body);
    });
  }

  const tooLarge = (seen: string, cap: number, target: string) =>
    Object.assign(new Error(`the response is over ${cap} bytes (${seen}), far more than the request can need: check that ${target} is the right server`), {
      code: 'ERESPONSETOOLARGE',
    });

  /** One attempt: the parsed result, or the reason and wait of a retryable failure. */
  async function attempt<T>(ep: Endpoint, body: Buffer, parse: Parse<T>, maxBytes: number): Promise<Attempt<T>> {
    const { target } = ep;
    let res: RawResponse;
    try {
      res = await send(ep, body, maxBytes);
    } catch (err) {
      if (aborter.signal.aborted) throw closedError();
      const code = (err as { code?: string }).code;
      const reason = redact(`${code ?? 'error'} from ${target}: ${(err as Error).message}`);
      if (code && TRANSIENT_CODES.has(code)) return { reason, retryAfterMs: 0 };
      throw new Error(`${o.what} request failed (not retried): ${reason}`);
    }
    if (res.status >= 200 && res.status < 300) {
      try {
        return { ok: parse(res.body, target, res.headers) };
      } catch (err) {
        if (err instanceof BadResponseError) return { reason: redact(err.message), retryAfterMs: 0 };
        throw err;
      }
    }
    const detail = redact(`HTTP ${res.status} from ${target}: ${res.body.slice(0, ERROR_BODY_CHARS)}`);
    if (res.status === 408 || res.status === 429 || res.status >= 500) return { reason: detail, retryAfterMs: parseRetryAfter(res.headers['retry-after']) };
    throw new RequestRefusedError(`${o.what} request failed (not retried): ${detail}`, res.status, redact(res.body));
  }

  /** Waits `ms` unless the client is closed first. */
  function pause(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (aborter.signal.aborted) return reject(closedError());
      const onAbort = () => {
        clearTimeout(timer);
        reject(closedError());
      };
      const timer = setTimeout(() => {
        aborter.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      aborter.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The healthy endpoint with the fewest requests in flight (the first of a tie), or the one rested the shortest. */
  function pick(): Endpoint {
    const now = Date.now();
    let best: Endpoint | undefined;
    for (const ep of endpoints) if (ep.restUntil <= now && (!best || ep.inFlight < best.inFlight)) best = ep;
    return best ?? endpoints.reduce((a, b) => (b.restUntil < a.restUntil ? b : a));
  }

  function failed(ep: Endpoint): void {
    ep.failures++;
    if (endpoints.length > 1 && ep.failures >= REST_AFTER_FAILURES) {
      const rest = Math.min(MAX_REST_MS, FIRST_REST_MS * 2 ** (ep.failures - REST_AFTER_FAILURES));
      ep.restUntil = Date.now() + rest;
      log(`${o.what} endpoint ${ep.target}: ${ep.failures} failures in a row, rested for ${seconds(rest)} while the other endpoints carry the load`);
    }
  }

  function succeeded(ep: Endpoint): void {
    if (endpoints.length > 1 && ep.failures >= REST_AFTER_FAILURES) log(`${o.what} endpoint ${ep.target} answers again`);
    ep.failures = 0;
    ep.restUntil = 0;
  }

  return {
    target,
    redact,
    post<T>(payload: unknown, parse: Parse<T>, options: PostOptions = {}): Promise<T> {
      const body = Buffer.from(JSON.stringify(payload));
      const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const name = `${o.what} request${options.describe ? ` (${options.describe})` : ''}`;
      return limit(async () => {
        for (let retry = 0; ; retry++) {
          if (aborter.signal.aborted) throw closedError();
          const ep = pick();
          const rested = ep.restUntil - Date.now();
          if (rested > 0) await pause(rested); // every endpoint is resting: wait for the first back
          ep.inFlight++;
          let r: Attempt<T>;
          try {
            r = await attempt(ep, body, parse, maxBytes);
          } finally {
            ep.inFlight--;
          }
          if ('ok' in r) {
            succeeded(ep);
            return r.ok;
          }
          failed(ep);
          if (retry >= maxRetries) {
            throw new Error(`${name} failed after ${retry + 1} attempts: ${r.reason} (--request-retries and --request-timeout-s set how long semclust keeps trying)`);
          }
          // Another healthy endpoint takes the retry at once; alone, back off.
          const other = endpoints.some((e) => e !== ep && e.restUntil <= Date.now());
          const backoff = other ? 0 : Math.random() * Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** retry);
          const wait = other ? 0 : Math.max(Math.min(r.retryAfterMs, MAX_RETRY_AFTER_MS), backoff);
          const capped = !other && r.retryAfterMs > MAX_RETRY_AFTER_MS
            ? ` (the server asked for ${seconds(r.retryAfterMs)} in Retry-After; semclust waits at most ${seconds(MAX_RETRY_AFTER_MS)})`
            : '';
          log(`${name}: attempt ${retry + 1} of ${maxRetries + 1} failed: ${r.reason.slice(0, 300)}; ${other ? 'retrying on another endpoint' : `retrying in ${seconds(wait)}${capped}`}`);
          if (wait > 0) await pause(wait);
        }
      });
    },
    close: () => {
      // Queued requests still start, see the abort and reject, so no caller waits forever.
      aborter.abort();
      for (const ep of endpoints) ep.agent.destroy();
    },
  };
}
