/**
 * Progress of a long core step (a kNN graph, SGD epochs, a spanning tree, Lloyd iterations),
 * reported through a plain callback so that core/ stays free of I/O: the pipeline turns the
 * events into a terminal line or NDJSON (pipeline/stages/fit-progress.ts). `total` is null when the
 * amount of work is not known in advance. Events come at least once per unit of work, often
 * many times a second: the receiver throttles.
 */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number | null;
}

export type OnProgress = (event: ProgressEvent) => void;

/** A phase-level callback: `done` of `total` units of the phase the caller names. */
export type OnStep = (done: number, total: number | null) => void;

/** Binds a phase name, so a step function reports without knowing what it is called. */
export function phaseReporter(onProgress: OnProgress | undefined, phase: string): OnStep | undefined {
  return onProgress && ((done, total) => onProgress({ phase, done, total }));
}
