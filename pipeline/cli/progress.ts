/**
 * Progress for long stages: a single rewritten line with rate and ETA on a terminal,
 * NDJSON lines on stderr otherwise (for logs and supervisors). Throttled so reporting
 * never costs more than the work.
 */
export interface ProgressOptions {
  stage: string;
  unit: string;
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
  intervalMs?: number;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export class Progress {
  private readonly started = performance.now();
  private last = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** `count` units done so far; `fraction` of the whole when known (for the ETA). */
  update(count: number, fraction?: number | null, force = false): void {
    if (this.options.quiet) return;
    const now = performance.now();
    if (!force && now - this.last < (this.options.intervalMs ?? (this.tty ? 200 : 2000))) return;
    this.last = now;
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta = fraction && fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    if (this.tty) {
      const pct = fraction != null ? ` ${(fraction * 100).toFixed(1)}%` : '';
      const etaText = Number.isFinite(eta) ? `  ETA ${fmtDuration(eta)}` : '';
      this.stream.write(`\r\x1b[K${this.options.stage}: ${count.toLocaleString('en-US')} ${this.options.unit}  ${Math.round(rate).toLocaleString('en-US')} ${this.options.unit}/s${pct}${etaText}`);
    } else {
      const line: Record<string, unknown> = { event: 'progress', stage: this.options.stage, [this.options.unit]: count, per_s: Math.round(rate), elapsed_s: +elapsed.toFixed(1) };
      if (fraction != null) line.fraction = +fraction.toFixed(4);
      if (Number.isFinite(eta)) line.eta_s = +eta.toFixed(1);
      this.stream.write(JSON.stringify(line) + '\n');
    }
  }

  done(count: number): void {
    this.update(count, 1, true);
    if (this.tty && !this.options.quiet) this.stream.write('\n');
  }
}

/** Human messages go to stderr so stdout stays clean for query results and piping. */
export function log(message: string): void {
  process.stderr.write(message + '\n');
}
