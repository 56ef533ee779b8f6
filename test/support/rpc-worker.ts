/**
 * A small worker module for the worker-rpc and worker-pool tests, written to a temp folder
 * (a compiled module under dist/test/ would itself be run as a test file by `node --test`).
 * It serves the real operators/workers/worker-rpc.js with methods that reply, fail, crash,
 * hang, emit events and move buffers, so the tests run real worker threads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, tempDir } from './paths.js';

export interface RpcWorkerData {
  /** Init throws with this message. */
  failInit?: string;
  /** The `job` method throws for this job. */
  failOn?: number;
  /** The `close` method writes closed-<threadId> here. */
  closeDir?: string;
}

/** The methods the worker serves, as the main thread calls them. */
export type RpcMethods = {
  square: (x: number) => number;
  delayed: (p: { value: string; ms: number }) => string;
  fail: (message: string) => never;
  scale: (p: { values: Float32Array; by: number }) => Float32Array;
  sum: (values: Float32Array) => number;
  progress: (steps: number) => number;
  exit: (code: number) => never;
  throwLater: (message: string) => never;
  hang: (nothing: undefined) => never;
  job: (j: number) => { job: number; square: number; thread: number };
};

const source = (rpc: string) => `
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { serveWorker, Transfer } from ${JSON.stringify(rpc)};

await serveWorker(
  async (data, server) => {
    if (data.failInit) throw new Error(data.failInit);
    return { state: { data, server }, info: { threadId } };
  },
  ({ data, server }) => ({
    square: (x) => x * x,
    delayed: ({ value, ms }) => new Promise((r) => setTimeout(() => r(value), ms)),
    fail: (message) => { throw new Error(message); },
    scale: ({ values, by }) => {
      const out = values.map((v) => v * by);
      return new Transfer(out, [out.buffer]);
    },
    sum: (values) => values.reduce((a, b) => a + b, 0),
    progress: (steps) => {
      for (let i = 1; i <= steps; i++) server.emit({ step: i });
      return steps;
    },
    exit: (code) => process.exit(code),
    throwLater: (message) => {
      setTimeout(() => { throw new Error(message); });
      return new Promise(() => {});
    },
    hang: () => new Promise(() => {}),
    job: (j) => {
      if (j === data.failOn) throw new Error('job ' + j + ' failed');
      return { job: j, square: j * j, thread: threadId };
    },
    close: () => {
      if (data.closeDir) fs.writeFileSync(path.join(data.closeDir, 'closed-' + threadId), '');
    },
  }),
);
`;

/** Writes the worker module and returns its URL (its file name is what errors name the worker by). */
export function writeRpcWorker(): URL {
  const file = path.join(tempDir('rpc'), 'test-rpc-worker.mjs');
  fs.writeFileSync(file, source(pathToFileURL(path.join(REPO, 'dist/operators/workers/worker-rpc.js')).href));
  return pathToFileURL(file);
}
