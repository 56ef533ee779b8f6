/**
 * Row copies and row scaling over row-major matrices (n × d Float32Array): the one place for
 * the gathers that pick a subset of rows (a sample, a cluster, a kd-tree order), the scatters
 * that put a batch's rows back in input order, and L2 normalisation of embeddings.
 */

/**
 * out[t] = x[rows[t]] for every listed row (numpy's `x.take(rows, axis=0)`); `out` holds at
 * least rows.length × d values and is returned, a new array when none is given.
 */
export function takeRows(x: Float32Array, d: number, rows: ArrayLike<number>, out = new Float32Array(rows.length * d)): Float32Array {
  for (let t = 0; t < rows.length; t++) out.set(x.subarray(rows[t] * d, rows[t] * d + d), t * d);
  return out;
}

/** out[rows[t]] = values[t] for every listed row (numpy's `out[rows] = values`): a batch's rows back in input order. */
export function putRows(values: Float32Array, d: number, rows: ArrayLike<number>, out: Float32Array): Float32Array {
  for (let t = 0; t < rows.length; t++) out.set(values.subarray(t * d, t * d + d), rows[t] * d);
  return out;
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
