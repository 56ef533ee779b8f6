/**
 * Diverse picks within one cluster by farthest-point traversal: start at the row nearest the
 * centroid, then repeatedly take the row farthest (squared Euclidean) from every row taken so far.
 * Only each row's distance to its nearest taken row is kept, so memory is one Float32Array of n
 * (never an n × n distance matrix) and each pick is one pass over the rows: O(n · d · count).
 * That pass is the WebAssembly SIMD kernel in core/kernels/farthest-point-kernel.ts.
 */
import { farthestPointKernel, paddedDim } from '../kernels/farthest-point-kernel.js';

/**
 * Row indices in pick order, min(count, n) of them. `x` holds n rows of d values, row-major.
 * Ties go to the lowest row index. Distances are summed in float32 lanes, so picks whose
 * distances differ by less than float32 rounding may come in another order than an exact sum's.
 */
export function farthestPointOrder(x: Float32Array, n: number, d: number, count: number, centroid?: Float32Array): Int32Array {
  if (x.length < n * d) throw new RangeError(`x holds ${x.length} values, fewer than ${n} rows × ${d}`);
  if (centroid && centroid.length !== d) throw new RangeError(`centroid has ${centroid.length} values, expected ${d}`);
  const picks = Math.max(0, Math.min(count, n));
  const order = new Int32Array(picks);
  if (picks === 0) return order;

  const c = centroid ?? meanRow(x, n, d);
  let last = 0;
  let nearest = Infinity;
  for (let i = 0; i < n; i++) {
    const dist = squaredDistance(x, i * d, c, 0, d);
    if (dist < nearest) {
      nearest = dist;
      last = i;
    }
  }

  // Rows are copied once into the kernel's memory, padded to whole f32x4 vectors and to a
  // multiple of four rows, with the n distances and 32 bytes of per-lane results after them:
  // memory is the cluster once more plus O(n), never n × n.
  const pd = paddedDim(d);
  const rowBytes = pd * 4;
  const n4 = Math.ceil(n / 4) * 4;
  const minOffset = n4 * rowBytes;
  const outOffset = minOffset + n4 * 4;
  const kernel = farthestPointKernel(d, outOffset + 32);
  const rows = new Float32Array(kernel.buffer, 0, n4 * pd);
  if (pd === d) rows.set(x.subarray(0, n * d));
  else for (let i = 0; i < n; i++) rows.set(x.subarray(i * d, (i + 1) * d), i * pd);
  // The memory is reused across calls: padding must be written, not assumed zero.
  if (pd !== d) for (let i = 0; i < n; i++) rows.fill(0, i * pd + d, (i + 1) * pd);
  rows.fill(0, n * pd);
  const minDist = new Float32Array(kernel.buffer, minOffset, n4).fill(Infinity);
  // A taken row is marked negative so the kernel's argmax never takes it again, even among
  // duplicates; padding rows start taken.
  minDist.fill(-1, n);
  const laneFar = new Float32Array(kernel.buffer, outOffset, 4);
  const laneAt = new Int32Array(kernel.buffer, outOffset + 16, 4);
  for (let t = 0; ; ) {
    order[t] = last;
    minDist[last] = -1;
    if (++t === picks) break;
    kernel.step(0, minOffset, n4, last * rowBytes, outOffset);
    // Each lane kept its lowest row among ties; across lanes, the larger distance, then the lower row.
    last = laneAt[0];
    let far = laneFar[0];
    for (let l = 1; l < 4; l++) {
      if (laneFar[l] > far || (laneFar[l] === far && laneAt[l] < last)) {
        far = laneFar[l];
        last = laneAt[l];
      }
    }
  }
  return order;
}

function meanRow(x: Float32Array, n: number, d: number): Float32Array {
  const sum = new Float64Array(d);
  for (let i = 0, o = 0; i < n; i++) for (let j = 0; j < d; j++, o++) sum[j] += x[o];
  const mean = new Float32Array(d);
  for (let j = 0; j < d; j++) mean[j] = sum[j] / n;
  return mean;
}

function squaredDistance(a: Float32Array, ao: number, b: Float32Array, bo: number, d: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    const e0 = a[ao + j] - b[bo + j];
    const e1 = a[ao + j + 1] - b[bo + j + 1];
    const e2 = a[ao + j + 2] - b[bo + j + 2];
    const e3 = a[ao + j + 3] - b[bo + j + 3];
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; j < d; j++) {
    const e = a[ao + j] - b[bo + j];
    s0 += e * e;
  }
  return s0 + s1 + s2 + s3;
}
