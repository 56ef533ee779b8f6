/**
 * All eigenpairs of a small dense symmetric matrix by cyclic Jacobi rotations: slower than
 * QR-based solvers in flops, but short, unconditionally stable and accurate to machine
 * precision, which is all the Lanczos tridiagonal matrices and centroid covariances
 * (a few hundred rows) need.
 */

export interface Eigen {
  /** Descending. */
  values: Float64Array;
  /** Row-major m × m; row i is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/** `matrix` is m × m row-major and symmetric; it is not modified. */
export function symmetricEigen(matrix: Float64Array, m: number): Eigen {
  const a = Float64Array.from(matrix);
  // v holds the accumulated rotations column-wise: A = V diag V^T.
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < m; p++) {
      diag += a[p * m + p] * a[p * m + p];
      for (let q = p + 1; q < m; q++) off += a[p * m + q] * a[p * m + q];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (apq === 0) continue;
        const app = a[p * m + p], aqq = a[q * m + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        rotate(a, v, m, p, q, c, s);
      }
    }
  }

  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => a[y * m + y] - a[x * m + x]);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((src, dst) => {
    values[dst] = a[src * m + src];
    for (let r = 0; r < m; r++) vectors[dst * m + r] = v[r * m + src];
  });
  return { values, vectors };
}

/** A ← Jᵀ A J and V ← V J for the rotation J in the (p, q) plane that zeroes A[p][q]. */
function rotate(a: Float64Array, v: Float64Array, m: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < m; k++) {
    const akp = a[k * m + p], akq = a[k * m + q];
    a[k * m + p] = c * akp - s * akq;
    a[k * m + q] = s * akp + c * akq;
  }
  for (let k = 0; k < m; k++) {
    const apk = a[p * m + k], aqk = a[q * m + k];
    a[p * m + k] = c * apk - s * aqk;
    a[q * m + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < m; k++) {
    const vkp = v[k * m + p], vkq = v[k * m + q];
    v[k * m + p] = c * vkp - s * vkq;
    v[k * m + q] = s * vkp + c * vkq;
  }
}
