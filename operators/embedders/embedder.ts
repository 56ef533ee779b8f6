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

/** Scales each row of a row-major matrix to unit L2 norm in place; zero rows stay zero. */
export function normalizeRows(values: Float32Array, dims: number): Float32Array {
  for (let off = 0; off < values.length; off += dims) {
    let ss = 0;
    for (let j = 0; j < dims; j++) ss += values[off + j] * values[off + j];
    if (ss === 0) continue;
    const inv = 1 / Math.sqrt(ss);
    for (let j = 0; j < dims; j++) values[off + j] *= inv;
  }
  return values;
}
