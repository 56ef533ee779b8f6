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
  close(): Promise<void>;
}
