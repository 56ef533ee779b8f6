/**
 * The low-dimensional similarity curve 1 / (1 + a·d^(2b)): UMAP picks a and b as the
 * least-squares fit to the offset exponential that is 1 below `minDist` and
 * exp(−(d − minDist)/spread) above it, sampled at 300 points on [0, 3·spread] (the same
 * sampling as umap-learn, so the same minDist gives the same curve). Solved with
 * Levenberg–Marquardt from a = b = 1 using the analytic Jacobian.
 */

export interface CurveParams {
  a: number;
  b: number;
}

const SAMPLES = 300;
const MAX_ITERATIONS = 500;

export function findAbParams(spread: number, minDist: number): CurveParams {
  if (!(spread > 0) || !(minDist >= 0)) throw new Error(`invalid spread ${spread} / minDist ${minDist}`);
  const xs = new Float64Array(SAMPLES);
  const ys = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const x = (3 * spread * i) / (SAMPLES - 1);
    xs[i] = x;
    ys[i] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
  }

  let a = 1, b = 1;
  let cost = sumSquares(xs, ys, a, b);
  let lambda = 1e-3;
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    // Normal equations JᵀJ δ = −Jᵀr for the two parameters.
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const x = xs[i];
      if (x === 0) continue; // f(0) = 1 whatever a and b: no gradient, zero residual
      const p = Math.pow(x, 2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[i];
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let accepted = false;
    while (lambda < 1e12) {
      const maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda);
      const det = maa * mbb - jab * jab;
      const stepA = (-ga * mbb + gb * jab) / det;
      const stepB = (-gb * maa + ga * jab) / det;
      const next = sumSquares(xs, ys, a + stepA, b + stepB);
      if (next < cost) {
        const improvement = cost - next;
        a += stepA;
        b += stepB;
        cost = next;
        lambda = Math.max(lambda / 10, 1e-12);
        accepted = improvement > 1e-15 * cost;
        break;
      }
      lambda *= 10;
    }
    if (!accepted) break;
  }
  return { a, b };
}

function sumSquares(xs: Float64Array, ys: Float64Array, a: number, b: number): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = 1 / (1 + a * Math.pow(xs[i], 2 * b)) - ys[i];
    s += r * r;
  }
  return s;
}
