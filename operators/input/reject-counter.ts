/**
 * Counts lines and rejects by reason as a stage reads, and stops the stage when more than
 * `maxRate` of the lines are bad, naming the dominant reason, where it first happened and
 * what to change. The counts survive a resume through `snapshot()`.
 */
import { REJECT_HINTS, type Reject, type RejectReason } from './reject.js';
import { SemclustError } from '../../core/util/semclust-error.js';

/** The rate check waits for this many lines so a bad first line cannot stop a run. */
const MIN_LINES_FOR_RATE = 1000;

export class RejectRateError extends SemclustError {}

export interface RejectSnapshot {
  lines: number;
  byReason: Partial<Record<RejectReason, { n: number; first: Reject }>>;
}

export class RejectCounter {
  lines: number;
  private rejected = 0;
  private readonly counts = new Map<RejectReason, { n: number; first: Reject }>();

  constructor(
    private readonly maxRate: number,
    private readonly rejectsFile: string,
    start?: RejectSnapshot,
  ) {
    this.lines = start?.lines ?? 0;
    for (const [reason, c] of Object.entries(start?.byReason ?? {})) {
      this.counts.set(reason as RejectReason, { ...c });
      this.rejected += c.n;
    }
  }

  add(lines: number, rejects: readonly Reject[]): void {
    this.lines += lines;
    this.rejected += rejects.length;
    for (const r of rejects) {
      const c = this.counts.get(r.reason);
      if (c) c.n++;
      else this.counts.set(r.reason, { n: 1, first: r });
    }
  }

  /** Throws RejectRateError above the rate; `final` checks even below the minimum line count. */
  check(final = false): void {
    if (this.lines === 0 || (!final && this.lines < MIN_LINES_FOR_RATE)) return;
    if (this.rejected / this.lines <= this.maxRate) return;
    const parts = [...this.counts.entries()]
      .sort((a, b) => b[1].n - a[1].n)
      .map(([reason, { n, first }]) => `  ${reason}: ${n} (first at ${first.source}:${first.line}: ${first.detail}) — ${REJECT_HINTS[reason]}`);
    throw new RejectRateError(
      [
        `${this.rejected} of ${this.lines} lines rejected (${((this.rejected / this.lines) * 100).toFixed(1)}%), above --max-reject-rate ${this.maxRate}.`,
        ...parts,
        `Every rejected line is listed in ${this.rejectsFile}. Fix the input or the key path, or raise --max-reject-rate.`,
      ].join('\n'),
    );
  }

  byReason(): Record<string, number> {
    return Object.fromEntries([...this.counts].map(([k, v]) => [k, v.n]));
  }

  snapshot(): RejectSnapshot {
    return { lines: this.lines, byReason: Object.fromEntries([...this.counts].map(([k, v]) => [k, { ...v }])) };
  }
}
