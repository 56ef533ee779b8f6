/**
 * A precomputed embedding taken from a record (`--embedding-column`): a JSON array of
 * numbers of the run's one dimension, scaled to unit L2 norm as every embedder's output is
 * (the norm summed in float64, then each value rounded to float32). Anything else is a
 * reason the row cannot be used.
 */

export type VectorProblem = 'not_a_vector' | 'vector_dims' | 'vector_not_numeric' | 'vector_not_finite' | 'vector_zero';

export type VectorCheck = { vector: Float32Array } | { problem: VectorProblem; detail: string };

/** `value` (a record's value at the column) as a unit float32 vector of length `dims`, or why not. */
export function toUnitVector(value: unknown, dims: number, column: string): VectorCheck {
  if (!Array.isArray(value)) {
    const what = value === undefined ? 'missing' : value === null ? 'null' : `a ${typeof value}, not an array of numbers`;
    return { problem: 'not_a_vector', detail: `"${column}" is ${what}` };
  }
  if (value.length !== dims) {
    return { problem: 'vector_dims', detail: `"${column}" has ${value.length} dimensions; the run's vectors have ${dims} (set by its first row)` };
  }
  let ss = 0;
  for (let j = 0; j < dims; j++) {
    const x = value[j];
    if (typeof x !== 'number') return { problem: 'vector_not_numeric', detail: `"${column}"[${j}] is ${x === null ? 'null' : `a ${typeof x}`}` };
    if (!Number.isFinite(x)) return { problem: 'vector_not_finite', detail: `"${column}"[${j}] is ${x}` };
    ss += x * x;
  }
  if (ss === 0 || !Number.isFinite(ss)) return { problem: ss === 0 ? 'vector_zero' : 'vector_not_finite', detail: `"${column}" has ${ss === 0 ? 'norm 0' : 'a norm beyond float64'}` };
  const inv = 1 / Math.sqrt(ss);
  const out = new Float32Array(dims);
  for (let j = 0; j < dims; j++) out[j] = (value[j] as number) * inv;
  return { vector: out };
}
