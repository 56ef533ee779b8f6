/**
 * The one interface every embedding backend implements: a batch of texts in,
 * L2-normalised float32 vectors out (row-major, texts.length × dims).
 */
export interface Embedder {
  /** Identifies the model in manifests and saved cluster models. */
  readonly model: string;
  readonly dims: number;
  /** The hub commit the weights came from (40 hex digits); absent for local folders, built-ins and servers. */
  readonly revision?: string;
  embed(texts: readonly string[]): Promise<Float32Array>;
  /**
   * Like embed(), but inputs the backend refuses as too long (a served model under
   * `--truncate reject`) come back by index instead of failing the call; their rows of
   * `vectors` are zeros. Backends that refuse nothing leave it out.
   */
  embedChecked?(texts: readonly string[]): Promise<EmbedOutcome>;
  /** Tokens the model reads for these texts (special tokens included, after truncation): what `semclust serve` reports as usage. */
  countTokens?(texts: readonly string[]): number;
  /** A served model's running totals (tokens from `usage`, truncated and refused inputs). */
  usage?(): ServedUsage;
  close(): Promise<void>;
}

/**
 * `embedder` with every text passed through `map` before it reaches the backend, for any
 * backend: the prefix (open-embedder.ts) and the client-side cut (client-truncation.ts).
 * `usage`, when given, replaces the wrapped model's running totals.
 */
export function mapTexts(embedder: Embedder, map: (texts: readonly string[]) => string[], usage?: () => ServedUsage): Embedder {
  const checked = embedder.embedChecked?.bind(embedder);
  const count = embedder.countTokens?.bind(embedder);
  const totals = usage ?? embedder.usage?.bind(embedder);
  return {
    model: embedder.model,
    dims: embedder.dims,
    revision: embedder.revision,
    embed: (texts) => embedder.embed(map(texts)),
    ...(checked ? { embedChecked: (texts: readonly string[]) => checked(map(texts)) } : {}),
    ...(count ? { countTokens: (texts: readonly string[]) => count(map(texts)) } : {}),
    ...(totals ? { usage: totals } : {}),
    close: () => embedder.close(),
  };
}

export interface EmbedOutcome {
  vectors: Float32Array;
  tooLong: { index: number; detail: string }[];
}

export interface ServedUsage {
  requests: number;
  prompt_tokens: number;
  total_tokens: number;
  /** Inputs over the server's limit that the server was asked to truncate. */
  truncated: number;
  /** Inputs over the limit handed back by embedChecked (rejects, reason too_long). */
  too_long: number;
  /** Texts per request in the end (lowered when the server takes fewer). */
  request_batch_size: number;
  /** --server-kind, or what auto learned ("unknown" when nothing told). */
  server_kind: string;
}

/** The counts of ServedUsage that add up over parts, input units and attempts. */
export type UsageCounts = Pick<ServedUsage, 'requests' | 'prompt_tokens' | 'total_tokens' | 'truncated' | 'too_long'>;

const COUNTS = ['requests', 'prompt_tokens', 'total_tokens', 'truncated', 'too_long'] as const;

/** `a` + sign × `b`, count by count (sign −1: what was counted between two readings); no `a` counts as zeros. */
export function addUsage(a: UsageCounts | undefined, b: UsageCounts, sign: 1 | -1 = 1): UsageCounts {
  return Object.fromEntries(COUNTS.map((k) => [k, (a?.[k] ?? 0) + sign * b[k]])) as UsageCounts;
}
