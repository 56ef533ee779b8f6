/**
 * A kernel session that picks its own thread count while it runs. Left to choose, it holds the
 * same graph twice, on one intra-op thread and on onnxruntime's default (one per physical core),
 * times each run, and sends every run to whichever has taken less wall time per unit of work
 * lately; the other still gets a run now and then (every 32 to 1,024 runs), so a change of load (a
 * neighbour's process starting or ending) moves the choice. MLAS splits a Gemm over output rows
 * and columns, never over the summed axis, and the kernels' other ops are row-wise, so both
 * sessions give the same bits: the choice changes speed only (thread-choice.test.ts compares them).
 *
 * Why not just use every core: on the shared 2-core host (load 4–5) two threads stayed slower
 * than one even with spinning off, because each parallel section waits for its slowest thread
 * and a busy host deschedules one of them. Same process, interleaved: HDBSCAN fit 4.20 s on two
 * threads against 3.35 s on one; NearestCentroid 262k × 384 against 1,000 centroids 2.06 s
 * against 1.85 s. On an idle host two threads win, so no fixed count is right for both.
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { sessionOptions } from '../onnx/session-options.js';

/** Timed runs each side gets before the choice starts (a session's first run is not timed). */
const TRIAL_RUNS = 3;
/** The side not chosen is run again after this many runs at first; each recheck that keeps the
 * choice doubles the gap up to RECHECK_MAX, and one that changes it starts again from
 * RECHECK_MIN. Trials and rechecks were 2–3% of the ~1,100 runs of a 50k × 30 HDBSCAN fit,
 * which measured 1.01–1.03× one thread (CPU time equal); a fixed 1-in-32 recheck would keep
 * paying that on long fits. */
const RECHECK_MIN = 32;
const RECHECK_MAX = 1024;
/** Weight of the newest run in each side's running figure (an exponential moving average). */
const NEWEST = 0.25;

type Feeds = ort.InferenceSession.FeedsType;
type Results = ort.InferenceSession.ReturnType;

/** What the choice goes by: a side's runs so far and its seconds per unit of work (NaN until timed). */
export interface SideRecord {
  runs: number;
  rate: number;
}

interface Side extends SideRecord {
  session: ort.InferenceSession;
  /** Intra-op threads; undefined for onnxruntime's default. */
  threads: number | undefined;
}

/**
 * Which of two sides takes the next run (0 or 1): side 0 until it has TRIAL_RUNS timed runs, then
 * side 1 likewise, then the lower rate (ties to side 0, one thread: the lighter load on a shared
 * host), or the other side when a recheck is due.
 */
export function chooseSide(a: SideRecord, b: SideRecord, recheckDue: boolean): 0 | 1 {
  if (a.runs <= TRIAL_RUNS) return 0;
  if (b.runs <= TRIAL_RUNS) return 1;
  const best = a.rate <= b.rate ? 0 : 1;
  return recheckDue ? ((1 - best) as 0 | 1) : best;
}

/** The gap to the next recheck after one that kept (`kept`) or changed the choice. */
export function nextRecheckGap(gap: number, kept: boolean): number {
  return kept ? Math.min(RECHECK_MAX, gap * 2) : RECHECK_MIN;
}

export class ThreadChoice {
  private gap = RECHECK_MIN;
  private sinceRecheck = 0;

  private constructor(private readonly sides: Side[]) {}

  /**
   * `threads` given: one session on that many threads, no choosing. Left out: one thread and
   * onnxruntime's default, chosen run by run (a 1-CPU host gets the one-thread session only).
   */
  static async create(model: Uint8Array, threads?: number): Promise<ThreadChoice> {
    const counts = threads !== undefined ? [threads] : availableParallelism() > 1 ? [1, undefined] : [1];
    const sides: Side[] = [];
    try {
      for (const t of counts) sides.push({ session: await ort.InferenceSession.create(model, sessionOptions(t)), threads: t, rate: NaN, runs: 0 });
    } catch (err) {
      for (const s of sides) await s.session.release();
      throw err;
    }
    return new ThreadChoice(sides);
  }

  /** How many runs each session has had, by its thread count ('default' for onnxruntime's). */
  get runsByThreads(): Record<string, number> {
    return Object.fromEntries(this.sides.map((s) => [`${s.threads ?? 'default'}`, s.runs]));
  }

  /**
   * session.run on the chosen side. `work` is the run's size in any unit proportional to its
   * cost (rows, or rows × columns where both vary), so that runs of different sizes compare.
   */
  async run(feeds: Feeds, work = 1): Promise<Results> {
    const [a, b] = this.sides;
    if (b === undefined) {
      a.runs++;
      return a.session.run(feeds);
    }
    const before = chooseSide(a, b, false);
    const recheck = this.sinceRecheck >= this.gap && a.runs > TRIAL_RUNS && b.runs > TRIAL_RUNS;
    const side = this.sides[chooseSide(a, b, recheck)];
    const t0 = performance.now();
    const out = await side.session.run(feeds);
    const rate = (performance.now() - t0) / 1000 / Math.max(work, 1e-9);
    // A session's first run allocates its buffers and pre-packs constant weights: not timed.
    if (side.runs > 0) side.rate = Number.isNaN(side.rate) ? rate : NEWEST * rate + (1 - NEWEST) * side.rate;
    side.runs++;
    this.sinceRecheck++;
    if (recheck) {
      this.gap = nextRecheckGap(this.gap, chooseSide(a, b, false) === before);
      this.sinceRecheck = 0;
    }
    return out;
  }

  async release(): Promise<void> {
    for (const s of this.sides) await s.session.release();
  }
}
