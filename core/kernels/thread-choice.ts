/**
 * A kernel session that picks its own thread count while it runs. Left to choose, it holds the
 * same graph twice, on one intra-op thread and on onnxruntime's default (one per physical core),
 * times each run, and sends every
 * run to whichever has taken less wall time per unit of work lately; the other still gets one
 * run in RECHECK_EVERY, so a change of load (a neighbour's process starting or ending) moves
 * the choice. MLAS splits a Gemm over output rows and columns, never over the summed axis, and
 * the kernels' other ops are row-wise, so both sessions give the same bits: the choice changes
 * speed only (test/core/kernels/thread-choice.test.ts compares them).
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

/** Runs of the first session to be timed before the other is tried, and how often the one not
 * chosen is run again to refresh its figure. One run in 32 on the slower side costs at most
 * 1/32 of the gap between the two. */
const TRIAL_RUNS = 3;
const RECHECK_EVERY = 32;
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
 * Which of two sides takes the next run (0 or 1), given each side's record and the runs made so
 * far: side 0 until it has TRIAL_RUNS timed runs (its first is not timed), then side 1 likewise,
 * then the lower rate, except that every RECHECK_EVERY-th run goes to the other side.
 */
export function chooseSide(a: SideRecord, b: SideRecord, runs: number): 0 | 1 {
  if (a.runs <= TRIAL_RUNS) return 0;
  if (b.runs <= TRIAL_RUNS) return 1;
  const best = a.rate <= b.rate ? 0 : 1;
  return runs % RECHECK_EVERY === 0 ? ((1 - best) as 0 | 1) : best;
}

export class ThreadChoice {
  private runs = 0;

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
    const side = this.pick();
    const t0 = performance.now();
    const out = await side.session.run(feeds);
    const rate = (performance.now() - t0) / 1000 / Math.max(work, 1e-9);
    // A session's first run allocates its buffers and pre-packs constant weights: not timed.
    if (side.runs > 0) side.rate = Number.isNaN(side.rate) ? rate : NEWEST * rate + (1 - NEWEST) * side.rate;
    side.runs++;
    this.runs++;
    return out;
  }

  async release(): Promise<void> {
    for (const s of this.sides) await s.session.release();
  }

  private pick(): Side {
    const [a, b] = this.sides;
    return b === undefined ? a : this.sides[chooseSide(a, b, this.runs)];
  }
}
