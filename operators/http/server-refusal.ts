/**
 * What an embedding server's 4xx body says, in the terms the client acts on: too many inputs
 * in one request (TEI's `batch size 64 > maximum allowed batch size 32`), one input over the
 * token limit (TEI's `must have less than 512 tokens. Given: 600`, vLLM's and OpenAI's
 * `maximum context length is 512 tokens. However, you requested 600 tokens`, Ollama's
 * `the input length exceeds the context length`), and which server wrote it, from the shape
 * of the body: TEI `{error, error_type}` or `{message, code, type: "validation"}`, vLLM
 * `{object: "error", type: "BadRequestError"}` (newer versions nest it under `error`),
 * OpenAI `{error: {type: "invalid_request_error"}}`, Ollama `{error: "…"}`.
 */

/** The servers whose dialects the client speaks (schemas/config.ts server_kind lists them with auto). */
export type ServerKind = 'tei' | 'vllm' | 'infinity' | 'ollama' | 'openai';

export type Refusal =
  /** `max`: the limit when the body names it. */
  | { kind: 'batch_size'; max?: number; server?: ServerKind }
  /** `limit` and `given`: token counts when the body names them. */
  | { kind: 'too_long'; limit?: number; given?: number; server?: ServerKind };

const TEI_TYPES = new Set(['validation', 'tokenizer', 'backend', 'overloaded', 'empty', 'unhealthy']);

/** The server a refusal body comes from, when its shape says. */
export function refusalServer(body: unknown): ServerKind | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const nested = b.error !== null && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  if (typeof b.error_type === 'string') return 'tei';
  if (typeof b.type === 'string' && TEI_TYPES.has(b.type.toLowerCase()) && typeof b.message === 'string') return 'tei';
  if (b.object === 'error' || b.type === 'BadRequestError' || nested?.type === 'BadRequestError') return 'vllm';
  if (nested?.type === 'invalid_request_error') return 'openai';
  if (typeof b.error === 'string') return 'ollama';
  return undefined;
}

/** The refusal a 4xx answer (status, body text) means, or undefined when it is none the client can work around. */
export function readRefusal(status: number, text: string): Refusal | undefined {
  if (status !== 400 && status !== 413 && status !== 422) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const server = refusalServer(body);
  const b = (body ?? {}) as Record<string, unknown>;
  const nested = b.error !== null && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : undefined;
  const message = String(b.message ?? (typeof b.error === 'string' ? b.error : nested?.message) ?? text);
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

  const batch = /batch size (\d+) > maximum allowed batch size (\d+)/.exec(message);
  if (batch) return { kind: 'batch_size', max: num(batch[2]), server };
  const items = /at most (\d+) items/.exec(message); // Infinity's pydantic 422
  if (items) return { kind: 'batch_size', max: num(items[1]), server };
  if (/too many inputs|maximum (allowed )?(number of )?inputs|batch size/i.test(message)) return { kind: 'batch_size', server };

  const tei = /must have less than (\d+) tokens\. Given: (\d+)/.exec(message);
  if (tei) return { kind: 'too_long', limit: num(tei[1]), given: num(tei[2]), server };
  const context = /maximum context length is (\d+) tokens[^]*?requested (\d+) tokens/.exec(message);
  if (context) return { kind: 'too_long', limit: num(context[1]), given: num(context[2]), server };
  if (/exceeds the context length|maximum context length|input is too long|too many tokens/i.test(message)) return { kind: 'too_long', server };
  return undefined;
}
