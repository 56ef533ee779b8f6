/**
 * A misbehaving OpenAI embeddings server for tests and the fault script: a real 127.0.0.1
 * server in front of a real one (`startEmbeddingServer`) that, per request, forwards, damages
 * the answer, replies with an error, hangs, streams an oversized body or dies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the front server does with request n (numbered from 0). */
export type Action =
  | { kind: 'forward' }
  /** Forward, then rewrite the upstream JSON text before sending it. */
  | { kind: 'damage'; edit: (json: { data: { embedding: unknown[] }[] }) => void; raw?: [string, string] }
  | { kind: 'reply'; status: number; headers?: Record<string, string>; body: string }
  | { kind: 'hang' }
  /** Drop the connection without an answer. */
  | { kind: 'reset' }
  /** A 200 whose body streams `bytes` of padding (valid JSON whitespace) around a real answer. */
  | { kind: 'huge'; bytes: number; declare: boolean }
  /** Stop listening and drop every connection: the server was killed. */
  | { kind: 'die' };

export type Damage = Extract<Action, { kind: 'damage' }>;

/** Ways to spoil the second vector of an answer (data[1]). */
export const VECTOR_DAMAGES: Record<string, Damage> = {
  null: { kind: 'damage', edit: (j) => void (j.data[1].embedding[3] = null) },
  // JSON.stringify cannot write 1e999; a marker is swapped for the raw token, which JSON.parse reads as Infinity.
  '1e999': { kind: 'damage', edit: (j) => void (j.data[1].embedding[5] = 'MARK'), raw: ['"MARK"', '1e999'] },
  'beyond float32': { kind: 'damage', edit: (j) => void (j.data[1].embedding[0] = 1e300) },
  string: { kind: 'damage', edit: (j) => void (j.data[1].embedding[2] = '0.5') },
  'wrong length': { kind: 'damage', edit: (j) => void j.data[1].embedding.pop() },
  'all zero': { kind: 'damage', edit: (j) => void j.data[1].embedding.fill(0) },
};

/** The password, api-key value and user name in every front URL. */
export const FRONT_SECRETS = ['hunter2pass', 'sekrit-value-42', 'alice'] as const;

export interface Front {
  url: string;
  readonly requests: number;
  close(): Promise<void>;
}

export async function startFront(upstream: string, decide: (n: number) => Action): Promise<Front> {
  let requests = 0;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const action = decide(requests++);
    if (action.kind === 'hang') return;
    if (action.kind === 'reset') return void req.socket.destroy();
    if (action.kind === 'die') {
      server.close();
      server.closeAllConnections();
      return;
    }
    if (action.kind === 'reply') {
      res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
      return void res.end(action.body);
    }
    // Damages edit float arrays, so that answer is asked for as floats whatever the client asked.
    const request = Buffer.concat(chunks);
    const body = action.kind === 'damage' ? JSON.stringify({ ...JSON.parse(request.toString('utf8')), encoding_format: 'float' }) : request;
    const answer = await fetch(`${upstream}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    let text = await answer.text();
    if (action.kind === 'damage') {
      const json = JSON.parse(text);
      action.edit(json);
      text = JSON.stringify(json);
      if (action.raw) text = text.split(action.raw[0]).join(action.raw[1]);
    }
    if (action.kind === 'huge') {
      const pad = ' '.repeat(1 << 16);
      const total = Math.ceil(action.bytes / pad.length) * pad.length + text.length;
      res.writeHead(200, { 'content-type': 'application/json', ...(action.declare ? { 'content-length': String(total) } : {}) });
      for (let sent = 0; sent < action.bytes; sent += pad.length) {
        if (!res.write(pad)) await new Promise((r) => res.once('drain', r));
        if (res.destroyed) return;
      }
      return void res.end(text);
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // Credentials in the URL, as a user might write them: they must never be printed.
    url: `http://${FRONT_SECRETS[2]}:${FRONT_SECRETS[0]}@127.0.0.1:${port}/v1?api-key=${FRONT_SECRETS[1]}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

