/** The portable codec of a fitted PCA (core/pca/pca.ts): the mean and the unit component rows. */
import { modelArray, type EncodedModel } from '../model/encoded-model.js';
import type { Pca } from './pca.js';

export const PCA_MODEL_FORMAT = 'semclust.pca/1';

export function encodePcaModel(p: Pca): EncodedModel {
  return { meta: { format: PCA_MODEL_FORMAT, dims: p.dims, count: p.count }, arrays: { mean: p.mean, components: p.components } };
}

export function decodePcaModel(encoded: EncodedModel): Pca {
  const meta = encoded.meta as { format?: unknown; dims?: number; count?: number };
  if (meta.format !== PCA_MODEL_FORMAT) throw new Error(`not a PCA model: format ${String(meta.format)}`);
  const dims = Number(meta.dims);
  const count = Number(meta.count);
  if (!(Number.isInteger(dims) && dims > 0 && Number.isInteger(count) && count > 0)) throw new Error('PCA model meta.dims and meta.count must be positive integers');
  return { mean: modelArray(encoded, 'mean', Float32Array, dims, 'PCA'), components: modelArray(encoded, 'components', Float32Array, count * dims, 'PCA'), dims, count };
}
