/**
 * Turns the progress events of a core fit (core/util/progress-event.ts) into Progress lines: one
 * line per phase ("fit: UMAP: knn", "fit: UMAP: sgd 30-d", "fit: k-means k=80: iterations"),
 * rate and ETA from done/total (for k-means the ETA assumes every one of max_iter iterations,
 * so it is an upper bound). A new phase closes the previous phase's line.
 */
import type { OnProgress, ProgressEvent } from '../../core/util/progress-event.js';
import { Progress } from '../cli/progress.js';

const UNITS: Record<string, string> = {
  knn: 'block pairs',
  'core distances': 'queries',
  mst: 'edges',
  seeding: 'centres',
  iterations: 'iterations',
};

const unitOf = (phase: string) => UNITS[phase] ?? (phase.startsWith('sgd') ? 'epochs' : 'steps');

export class FitProgress {
  private current: { phase: string; progress: Progress; done: number } | undefined;

  constructor(
    private readonly stage: string,
    private readonly quiet: boolean,
    private readonly stream?: NodeJS.WriteStream,
  ) {}

  /** Pass to fitUmap / fitHdbscan / fitKMeans as `onProgress`. */
  readonly onProgress: OnProgress = (e: ProgressEvent) => {
    if (this.current?.phase !== e.phase) {
      this.finish();
      const progress = new Progress({ stage: `${this.stage}: ${e.phase}`, unit: unitOf(e.phase), quiet: this.quiet, stream: this.stream });
      this.current = { phase: e.phase, progress, done: e.done };
      progress.update(e.done, fraction(e), true);
      return;
    }
    this.current.done = e.done;
    this.current.progress.update(e.done, fraction(e));
  };

  /** Closes the open phase's line (call when the fit returns). */
  finish(): void {
    if (this.current) this.current.progress.done(this.current.done);
    this.current = undefined;
  }
}

function fraction(e: ProgressEvent): number | null {
  return e.total ? Math.min(1, e.done / e.total) : null;
}
