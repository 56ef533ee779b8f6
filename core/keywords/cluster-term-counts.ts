/**
 * Exact counts of (term, cluster) pairs in one pass, so keywords tokenise every text once: a
 * sparse table (open addressing with linear probing, Knuth TAOCP vol. 3 §6.4 algorithm L) of
 * the pairs seen, with each term's total beside it. The pairs a corpus holds grow slowly with
 * its rows (synthetic Banking77 pairs at k = 1000: 605k at 200k rows, 1.76M at 1M), so a
 * budget of `maxPairs` bounds memory; `add` answers false once a new pair would pass it and
 * the caller counts in two passes instead (core/keywords/term-vocabulary.ts).
 *
 * Input: terms as dense ids 0, 1, 2, … (the caller interns the strings), clusters 0 … k − 1.
 * Memory: 12 bytes per slot, at most 2 × maxPairs slots, plus 8 bytes per term.
 */

/** Slots stay at most half full, so a probe finds its pair or a free slot within a few steps. */
const LOAD = 0.5;

export class ClusterTermCounts {
  private terms = new Int32Array(1024).fill(-1);
  private clusters = new Int32Array(1024);
  private counts = new Uint32Array(1024);
  private used = 0;
  /** Occurrences of each term over all clusters, indexed by term id. */
  private totals = new Float64Array(1024);

  constructor(readonly maxPairs: number) {
    if (!(maxPairs >= 1)) throw new Error(`pair budget must be at least 1, got ${maxPairs}`);
  }

  /** Distinct (term, cluster) pairs counted so far. */
  get pairs(): number {
    return this.used;
  }

  /** Counts `n` (one, or a share's count when merging) occurrences of `term` in `cluster`; false (and nothing counted) when a new pair would pass the budget. */
  add(term: number, cluster: number, n = 1): boolean {
    let at = this.find(term, cluster);
    if (this.terms[at] < 0) {
      if (this.used === this.maxPairs) return false;
      if (this.used + 1 > this.terms.length * LOAD) {
        this.grow();
        at = this.find(term, cluster);
      }
      this.terms[at] = term;
      this.clusters[at] = cluster;
      this.used++;
    }
    this.counts[at] += n;
    if (term >= this.totals.length) {
      const totals = new Float64Array(Math.max(term + 1, this.totals.length * 2));
      totals.set(this.totals);
      this.totals = totals;
    }
    this.totals[term] += n;
    return true;
  }

  /** Every pair counted, as three aligned arrays (in table order), to send to another thread and merge there with `add`. */
  entries(): { term: Int32Array; cluster: Int32Array; count: Uint32Array } {
    const out = { term: new Int32Array(this.used), cluster: new Int32Array(this.used), count: new Uint32Array(this.used) };
    let i = 0;
    for (let s = 0; s < this.terms.length; s++) {
      if (this.terms[s] < 0) continue;
      out.term[i] = this.terms[s];
      out.cluster[i] = this.clusters[s];
      out.count[i++] = this.counts[s];
    }
    return out;
  }

  /** How often `term` occurred over all clusters. */
  total(term: number): number {
    return term < this.totals.length ? this.totals[term] : 0;
  }

  /**
   * The clusters × columns row-major table of counts, where `column[term]` is the term's column
   * or −1 for a term left out.
   */
  dense(clusterCount: number, column: Int32Array, columns: number): Uint32Array {
    const out = new Uint32Array(clusterCount * columns);
    for (let s = 0; s < this.terms.length; s++) {
      const term = this.terms[s];
      if (term < 0) continue;
      const j = column[term];
      if (j >= 0) out[this.clusters[s] * columns + j] = this.counts[s];
    }
    return out;
  }

  private find(term: number, cluster: number): number {
    const mask = this.terms.length - 1;
    // Multiplicative hashing with murmur3's finaliser, so the low bits the mask keeps depend on every bit of both ids.
    let h = Math.imul(term, 0x9e3779b1) ^ Math.imul(cluster, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    let at = (h ^ (h >>> 15)) & mask;
    while (this.terms[at] >= 0 && (this.terms[at] !== term || this.clusters[at] !== cluster)) at = (at + 1) & mask;
    return at;
  }

  private grow(): void {
    const { terms, clusters, counts } = this;
    this.terms = new Int32Array(terms.length * 2).fill(-1);
    this.clusters = new Int32Array(terms.length * 2);
    this.counts = new Uint32Array(terms.length * 2);
    for (let s = 0; s < terms.length; s++) {
      if (terms[s] < 0) continue;
      const at = this.find(terms[s], clusters[s]);
      this.terms[at] = terms[s];
      this.clusters[at] = clusters[s];
      this.counts[at] = counts[s];
    }
  }
}
