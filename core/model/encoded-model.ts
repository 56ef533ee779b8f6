/**
 * The portable form every fitted model takes (k-means, PCA, UMAP, HDBSCAN): JSON-able
 * metadata plus named typed arrays. Each model's codec lives beside it in core/; the model
 * store (operators/store/model-store.ts) persists this form without knowing which model it is.
 */
export type ModelArray = Float32Array | Int32Array | Float64Array;

export interface EncodedModel {
  meta: object;
  arrays: Record<string, ModelArray>;
}

/** A named array of the expected type and length, or an error that says which is wrong. */
export function modelArray<T extends ModelArray>(
  encoded: EncodedModel,
  name: string,
  type: { new (n: number): T; name: string },
  length: number,
  model: string,
): T {
  const a = encoded.arrays[name];
  if (!(a instanceof type)) throw new Error(`${model} model: array "${name}" must be ${type.name}`);
  if (a.length !== length) throw new Error(`${model} model: array "${name}" holds ${a.length} values, expected ${length}`);
  return a;
}
