/**
 * A power-of-two scale that keeps the float32 distance kernel away from overflow and underflow.
 *
 * The kernel (block-top-k.ts) ranks by float32 squared distances: coordinates near 1e20 square to
 * 1e40, beyond float32's 3.4e38, so every distance became Infinity and the spanning tree found no
 * edge (issue 8 item 14); coordinates near 1e-25 square to 0 and every point looks like a
 * duplicate. Dividing the rows by 2^e, with 2^e near their largest |coordinate|, brings them into
 * [−1, 1], where a squared distance is at most 4·d. A power of two changes no mantissa, so the
 * double-precision distances the searches recompute are the unscaled ones times 2^−e exactly
 * (barring coordinates 2^126 times smaller than the largest, which flush to zero), and multiplying
 * them back by 2^e restores them bit for bit.
 *
 * Rows whose largest |coordinate| lies within 2^±SAFE_EXPONENT are left as they are (scale 1), so
 * ordinary data takes exactly the unscaled path.
 */

/** 2^20 ≈ 1e6: squared distances stay below 1e13·d, far from float32's 3.4e38 and its 1.2e−38 floor. */
const SAFE_EXPONENT = 20;

/**
 * A scaled row with a |coordinate| above this lies more than 2^20 − 1 from every scaled fitted row
 * (those are within [−1, 1]), beyond the data's diameter 2·√d for any d below 2^38: it is too far
 * to join any cluster, and searching it beside other rows could overflow the kernel for them all.
 */
export const FAR_SCALED = 2 ** SAFE_EXPONENT;

/** Input: n × d row-major, finite. Returns 1 or the power of two to divide the rows by. */
export function distanceScale(data: Float32Array, n: number, d: number): number {
  let max = 0;
  for (let i = 0; i < n * d; i++) {
    const v = Math.abs(data[i]);
    if (v > max) max = v;
  }
  if (max === 0) return 1;
  const exponent = Math.ceil(Math.log2(max));
  return Math.abs(exponent) <= SAFE_EXPONENT ? 1 : 2 ** exponent;
}

/** The rows divided by `scale` (the input itself when scale is 1). */
export function scaleRows(data: Float32Array, scale: number): Float32Array {
  if (scale === 1) return data;
  const out = new Float32Array(data.length);
  const inverse = 1 / scale;
  for (let i = 0; i < data.length; i++) out[i] = data[i] * inverse;
  return out;
}

/** Multiplies distances computed on scaled rows back to the data's units, in place. */
export function unscaleDistances(distances: Float64Array, scale: number): Float64Array {
  if (scale !== 1) for (let i = 0; i < distances.length; i++) distances[i] *= scale;
  return distances;
}
