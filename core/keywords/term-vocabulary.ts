/**
 * A bounded vocabulary of the most frequent terms of a stream (lossy counting after Manku &
 * Motwani, "Approximate frequency counts over data streams", VLDB 2002): counts live in a
 * map that, when it passes `4 × cap` entries, drops every term whose count is at or below
 * the (2 × cap)-th largest count. Memory is O(cap) whatever the stream's length; a term more frequent than the
 * pruned ones always survives. `finish()` keeps the `cap` most frequent terms.
 */
export class TermVocabulary {
  private counts = new Map<string, number>();

  constructor(readonly cap: number) {
    if (!(cap >= 1)) throw new Error(`vocabulary cap must be at least 1, got ${cap}`);
  }

  /** Terms held now (at most 4 × cap + 1). */
  get size(): number {
    return this.counts.size;
  }

  add(term: string): void {
    this.counts.set(term, (this.counts.get(term) ?? 0) + 1);
    if (this.counts.size > 4 * this.cap) this.prune();
  }

  private prune(): void {
    const values = Float64Array.from(this.counts.values()).sort();
    const threshold = values[values.length - 2 * this.cap];
    for (const [t, n] of this.counts) if (n <= threshold) this.counts.delete(t);
  }

  /** The kept terms, most frequent first (ties alphabetical), as term → index. */
  finish(): Map<string, number> {
    const kept = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, this.cap);
    return new Map(kept.map(([t], i) => [t, i]));
  }
}
