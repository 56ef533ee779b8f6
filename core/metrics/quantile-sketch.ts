/**
 * Quantiles of a stream of non-negative numbers in memory that does not grow with the stream:
 * the DDSketch of Masson, Rim & Lee ("DDSketch: a fast and fully-mergeable quantile sketch
 * with relative-error guarantees", VLDB 2019). A value x > 0 is counted in bucket
 * i = ⌈log_γ x⌉ with γ = (1 + α)/(1 − α), zero in a count of its own; the quantile at rank r is
 * the bucket holding r, returned as 2γ^i/(γ + 1), which lies within α·x of the exact order
 * statistic x. Memory is one count per occupied bucket: with α = 0.01%, distances spread over
 * six decades occupy at most ln(10⁶)/ln(γ) ≈ 69,000 buckets, whatever the number of rows. The
 * mean is kept exactly (a float64 sum).
 *
 * Used for the distance from each population row to its nearest sampled row (the sample's
 * coverage, operators/sample/sample-coverage.ts): exact quantiles would hold 4 bytes per row
 * for each of the six samples compared; the sketch holds a few kilobytes.
 */
export class QuantileSketch {
  private readonly logGamma: number;
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  private total = 0;
  private sum = 0;

  /** `alpha`: relative accuracy of every quantile, in (0, 1). */
  constructor(readonly alpha = 0.0001) {
    if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
    this.logGamma = Math.log((1 + alpha) / (1 - alpha));
  }

  /** Counts one value (finite, ≥ 0). */
  add(x: number): void {
    if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`a quantile sketch counts finite values ≥ 0, got ${x}`);
    this.total++;
    this.sum += x;
    if (x === 0) {
      this.zeros++;
      return;
    }
    const i = Math.ceil(Math.log(x) / this.logGamma);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + 1);
  }

  get count(): number {
    return this.total;
  }

  /** The exact mean; NaN when empty. */
  mean(): number {
    return this.total === 0 ? NaN : this.sum / this.total;
  }

  /**
   * The value at 0-based rank ⌊q·(n − 1)⌋ of the sorted values (the lower nearest rank), within
   * α of it relatively; NaN when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1], got ${q}`);
    if (this.total === 0) return NaN;
    const rank = Math.floor(q * (this.total - 1));
    if (rank < this.zeros) return 0;
    let seen = this.zeros;
    const gamma = Math.exp(this.logGamma);
    for (const i of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(i)!;
      if (rank < seen) return (2 * Math.pow(gamma, i)) / (gamma + 1);
    }
    throw new Error('unreachable: the buckets hold every counted value');
  }
}
