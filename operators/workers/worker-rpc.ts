/**
 * The one request/reply protocol between the main thread and its worker threads (the
 * embedder, the Parquet writer, the infer pool). A worker module calls `serveWorker` with
 * an init function and its methods; the main thread holds a `WorkerClient`. Requests carry
 * ids, replies may transfer buffers, a worker's error keeps its stack, and when a worker
 * errors or exits every pending request is failed, never left hanging.
 */
import { Worker, parentPort, workerData } from 'node:worker_threads';

type Methods = Record<string, (payload: never) => unknown>;

type Request = { id: number; method: string; payload: unknown };
type Reply =
  | { kind: 'ready'; info: unknown }
  | { kind: 'event'; event: unknown }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number | null; message: string; stack?: string };

/** Wraps a worker's return value with the buffers to move instead of copy. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly buffers: ArrayBuffer[],
  ) {}
}

function errorFrom(m: { message: string; stack?: string }, where: string): Error {
  const e = new Error(m.message);
  // The worker's own frames say where it failed; the main thread's say nothing useful.
  e.stack = `${m.stack ?? `Error: ${m.message}`}\n    at (${where})`;
  return e;
}

export interface WorkerServer {
  /** Sends an event (progress, say) to the main thread's onEvent handler. */
  emit(event: unknown): void;
}

/**
 * Worker side: runs `init(workerData, server)`, reports its info as ready, then answers
 * requests with `methods(state)[method](payload)`. A method may return `new Transfer(v, bufs)`.
 * The method named `close` (if any) runs before the port closes on a close request.
 */
export async function serveWorker<S, M extends Methods>(
  init: (data: unknown, server: WorkerServer) => Promise<{ state: S; info?: unknown }>,
  methods: (state: S) => M,
): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('serveWorker must run inside a worker thread');
  const post = (m: Reply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  const server: WorkerServer = { emit: (event) => post({ kind: 'event', event }) };
  let handlers: M;
  try {
    const { state, info } = await init(workerData, server);
    handlers = methods(state);
    post({ kind: 'ready', info: info ?? null });
  } catch (e) {
    const err = e as Error;
    post({ kind: 'error', id: null, message: err.message, stack: err.stack });
    return;
  }
  port.on('message', async (req: Request | { close: true }) => {
    if ('close' in req) {
      try {
        await (handlers.close as ((p: never) => unknown) | undefined)?.(undefined as never);
      } finally {
        port.close();
      }
      return;
    }
    try {
      const fn = handlers[req.method];
      if (!fn) throw new Error(`worker has no method "${req.method}"`);
      const out = await fn(req.payload as never);
      if (out instanceof Transfer) post({ kind: 'result', id: req.id, result: out.value }, out.buffers);
      else post({ kind: 'result', id: req.id, result: out });
    } catch (e) {
      const err = e as Error;
      post({ kind: 'error', id: req.id, message: err.message, stack: err.stack });
    }
  });
}

/** What a method's reply is on the main thread: a Transfer arrives as its value. */
type ReplyOf<T> = Awaited<T> extends Transfer<infer U> ? U : Awaited<T>;

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** Main-thread side of one worker. */
export class WorkerClient<M extends Methods> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;
  /** Resolves with the info the worker's init returned; rejects if init failed. */
  readonly ready: Promise<unknown>;

  constructor(
    url: URL,
    data: unknown,
    private readonly onEvent: (event: unknown) => void = () => {},
  ) {
    const name = url.pathname.split('/').pop() ?? 'worker';
    this.worker = new Worker(url, { workerData: data });
    let readyResolve!: (v: unknown) => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.ready.catch(() => {});
    const fail = (e: Error) => {
      if (this.failure) return;
      this.failure = e;
      readyReject(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('message', (m: Reply) => {
      switch (m.kind) {
        case 'ready':
          return readyResolve(m.info);
        case 'event':
          return this.onEvent(m.event);
        case 'result': {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          return p?.resolve(m.result);
        }
        case 'error': {
          const e = errorFrom(m, name);
          if (m.id === null) return fail(e);
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          return p?.reject(e);
        }
      }
    });
    this.worker.on('error', (e) => fail(e));
    this.worker.on('exit', (code) => {
      if (!this.closing || code !== 0) fail(new Error(`${name} exited with code ${code}${this.closing ? '' : ' before it was closed'}`));
    });
  }

  /** Calls a worker method; `transfer` moves buffers instead of copying them. */
  call<K extends keyof M & string>(method: K, payload: Parameters<M[K]>[0], transfer: ArrayBuffer[] = []): Promise<ReplyOf<ReturnType<M[K]>>> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, payload } satisfies Request, transfer);
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Lets the worker's close method finish, then waits for the thread to end. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.failure) {
      await this.worker.terminate();
      return;
    }
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.postMessage({ close: true });
    await exited;
  }

  /** Stops the thread at once (after a failure elsewhere). */
  async terminate(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}
