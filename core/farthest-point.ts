/**
 * Diverse picks within one cluster by farthest-point traversal: start at the row nearest the
 * centroid, then repeatedly take the row farthest (squared Euclidean) from every row taken so far.
 * Only each row's distance to its nearest taken row is kept, so memory is one Float32Array of n
 * (never an n × n distance matrix) and each pick is one pass over the rows: O(n · d · count).
 */

/**
 * Row indices in pick order, min(count, n) of them. `x` holds n rows of d values, row-major.
 * Ties go to the lowest row index.
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

  const minDist = new Float32Array(n).fill(Infinity);
  for (let t = 0; ; ) {
    order[t] = last;
    // A taken row is marked negative so the argmax below never takes it again, even among duplicates.
    minDist[last] = -1;
    if (++t === picks) break;
    const from = last * d;
    let far = -1;
    for (let i = 0; i < n; i++) {
      let m = minDist[i];
      if (m < 0) continue;
      const dist = squaredDistance(x, i * d, x, from, d);
      if (dist < m) {
        minDist[i] = dist;
        m = minDist[i];
      }
      if (m > far) {
        far = m;
        last = i;
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
