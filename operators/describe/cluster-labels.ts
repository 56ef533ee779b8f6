/**
 * LLM labels for clusters from an OpenAI-compatible `POST {base}/chat/completions`, through
 * the shared client (operators/http/openai-client.ts: retries, backoff, concurrency, API key).
 * Answers are cached in OUTDIR/cluster-labels.json keyed by model and prompt, so a rerun
 * asks only about clusters whose keywords or texts changed. A label that fails after its
 * retries leaves that cluster unlabelled and is reported; it never stops the run.
 */
import fs from 'node:fs';
import { cleanLabel, labelMessages } from '../../core/keywords/label-prompt.js';
import { createRowIdHasher } from '../../core/text/row-id.js';
import { endpointUrl, ERROR_BODY_CHARS, openAiClient } from '../http/openai-client.js';
import { writeFileAtomic } from '../store/write-file-atomic.js';

export interface LabelOptions {
  endpoint: string;
  model: string;
  apiKeyEnv?: string;
  maxConcurrency?: number;
  cacheFile: string;
  maxRetries?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
}

export interface ClusterToLabel {
  cluster: number;
  keywords: readonly string[];
  representatives: readonly string[];
}

export interface LabelOutcome {
  labels: Map<number, string>;
  cached: number;
  /** One line per cluster left unlabelled. */
  failed: string[];
}

type Cache = Record<string, string>;

function readCache(file: string): Cache {
  if (!fs.existsSync(file)) return {};
  try {
    const c = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return c && typeof c === 'object' ? (c as Cache) : {};
  } catch {
    // A damaged cache only costs the requests again.
    return {};
  }
}

export async function labelClusters(clusters: readonly ClusterToLabel[], o: LabelOptions): Promise<LabelOutcome> {
  const client = openAiClient({
    url: endpointUrl(o.endpoint, '/chat/completions', 'label'),
    what: 'label',
    apiKeyEnv: o.apiKeyEnv,
    maxConcurrency: o.maxConcurrency,
    maxRetries: o.maxRetries,
    retryBaseMs: o.retryBaseMs,
    timeoutMs: o.timeoutMs,
  });
  const cache = readCache(o.cacheFile);
  const out: LabelOutcome = { labels: new Map(), cached: 0, failed: [] };
  const hash = await createRowIdHasher();
  const parse = (body: string): string => {
    let reply: unknown;
    try {
      reply = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
    } catch {
      throw new Error(`chat server ${client.target} returned invalid JSON: ${client.redact(body.slice(0, ERROR_BODY_CHARS))}`);
    }
    if (typeof reply !== 'string') throw new Error(`chat server ${client.target} returned no choices[0].message.content`);
    const label = cleanLabel(reply);
    if (!label) throw new Error(`chat server ${client.target} returned an empty label`);
    return label;
  };
  try {
    await Promise.all(
      clusters.map(async (c) => {
        const messages = labelMessages(c);
        const key = hash(JSON.stringify([o.model, messages]));
        if (cache[key]) {
          out.labels.set(c.cluster, cache[key]);
          out.cached++;
          return;
        }
        try {
          // A 24-token answer needs a few KiB; 1 MiB leaves room for verbose servers.
          const label = await client.post({ model: o.model, messages, temperature: 0, max_tokens: 24 }, parse, { maxResponseBytes: 1 << 20, describe: `cluster ${c.cluster}` });
          cache[key] = label;
          out.labels.set(c.cluster, label);
        } catch (e) {
          out.failed.push(`cluster ${c.cluster}: ${(e as Error).message}`);
        }
      }),
    );
  } finally {
    client.close();
    writeFileAtomic(o.cacheFile, JSON.stringify(cache, null, 1));
  }
  return out;
}
