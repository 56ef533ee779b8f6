/**
 * Largest eigenpairs of a symmetric linear operator by the Lanczos method with full
 * reorthogonalisation, no restarts: a fixed number of steps builds a Krylov basis, the
 * small tridiagonal matrix is diagonalised densely, and Ritz vectors are formed from the
 * basis. Fixed work and no convergence loop keep the cost predictable; UMAP only needs a
 * good starting layout, not eigenvectors to machine precision.
 */
import type { Rng } from '../util/random.js';
import { symmetricEigen } from './symmetric-eigen.js';

export interface LanczosOptions {
  /** Krylov basis size; more steps, more accurate pairs. Capped at the dimension. */
  steps: number;
  rng: Rng;
  /** Unit vectors whose span is projected out (known eigenvectors such as the trivial one). */
  deflate?: readonly Float64Array[];
}

export interface TopEigen {
  /** Descending. */
  values: Float64Array;
  /** count × n row-major, unit rows. */
  vectors: Float64Array;
}

/** `apply(x, y)` must set y = A·x for a symmetric A on R^n. */
export function lanczosTopEigen(
  apply: (x: Float64Array, y: Float64Array) => void,
  n: number,
  count: number,
  options: LanczosOptions,
): TopEigen {
  const deflate = options.deflate ?? [];
  const maxSteps = Math.max(1, Math.min(options.steps, n - deflate.length));
  const basis = new Float64Array(maxSteps * n);
  const alpha = new Float64Array(maxSteps);
  const beta = new Float64Array(maxSteps);
  const w = new Float64Array(n);

  const q0 = basis.subarray(0, n);
  for (let i = 0; i < n; i++) q0[i] = options.rng.gaussian();
  for (const d of deflate) subtractProjection(q0, d);
  scale(q0, 1 / norm(q0));

  let steps = 0;
  for (let j = 0; j < maxSteps; j++) {
    const q = basis.subarray(j * n, (j + 1) * n);
    apply(q, w);
    alpha[j] = dot(q, w);
    // Gram–Schmidt against the whole basis, twice ("twice is enough"), instead of the bare
    // three-term recurrence, so that converged Ritz vectors do not reappear as ghosts.
    for (let pass = 0; pass < 2; pass++) {
      for (const d of deflate) subtractProjection(w, d);
      for (let i = 0; i <= j; i++) subtractProjection(w, basis.subarray(i * n, (i + 1) * n));
    }
    steps = j + 1;
    const b = norm(w);
    if (j + 1 === maxSteps || b < 1e-10) break;
    beta[j] = b;
    const next = basis.subarray((j + 1) * n, (j + 2) * n);
    for (let i = 0; i < n; i++) next[i] = w[i] / b;
  }

  const t = new Float64Array(steps * steps);
  for (let j = 0; j < steps; j++) {
    t[j * steps + j] = alpha[j];
    if (j + 1 < steps) t[j * steps + j + 1] = t[(j + 1) * steps + j] = beta[j];
  }
  const eig = symmetricEigen(t, steps);
  const found = Math.min(count, steps);
  const values = eig.values.slice(0, found);
  const vectors = new Float64Array(found * n);
  for (let r = 0; r < found; r++) {
    const out = vectors.subarray(r * n, (r + 1) * n);
    for (let j = 0; j < steps; j++) {
      const c = eig.vectors[r * steps + j];
      const q = basis.subarray(j * n, (j + 1) * n);
      for (let i = 0; i < n; i++) out[i] += c * q[i];
    }
    scale(out, 1 / norm(out));
  }
  return { values, vectors };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

function scale(a: Float64Array, f: number): void {
  for (let i = 0; i < a.length; i++) a[i] *= f;
}

function subtractProjection(w: Float64Array, unit: Float64Array): void {
  const c = dot(w, unit);
  for (let i = 0; i < w.length; i++) w[i] -= c * unit[i];
}
