/**
 * Holding an OUTDIR lock for a piece of work, the one way every command does it: SIGINT or
 * SIGTERM says what was interrupted and what a rerun does, frees the lock, and the process
 * dies by the same signal, as a shell expects (130 / 143). process.exit() would run
 * onnxruntime's static destructors under worker threads still using it (SIGABRT, measured).
 */
import { RunLock } from '../../operators/store/run-lock.js';

export async function holdLock<T>(
  outDir: string,
  scope: string,
  command: string,
  say: (message: string) => void,
  interrupted: () => string,
  work: () => Promise<T>,
): Promise<T> {
  const lock = RunLock.acquire(outDir, scope, command, say);
  const onSignal = (signal: NodeJS.Signals) => {
    say(`semclust: ${signal}: ${interrupted()}`);
    lock.release();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    lock.release();
  }
}
