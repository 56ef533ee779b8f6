import type { Settings } from '../schemas/config.js';
import type { RunState } from './manifest.js';

/** What every stage gets: resolved settings, the output folder's run state, and I/O hooks. */
export interface StageContext {
  settings: Settings;
  outDir: string;
  state: RunState;
  quiet: boolean;
  /** Human-readable messages (stderr by default). */
  log: (message: string) => void;
  /** Replaces process.stdin for the "-" input (library use, tests). */
  stdin?: NodeJS.ReadableStream;
}
