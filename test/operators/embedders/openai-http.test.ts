import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import '../../support/paths.js';
import { createRng } from '../../../core/util/random.js';
import type { Embedder } from '../../../operators/embedders/embedder.js';
import { openHttpEmbedder } from '../../../operators/embedders/openai-http.js';
import { openStaticModel } from '../../../operators/embedders/static-model.js';
import { startEmbeddingServer, type EmbeddingServer } from '../../../operators/http/embedding-server.js';

const WORDS = 'card account transfer money refund pin atm cash balance top up fee exchange rate lost stolen blocked pending declined verify identity'.split(' ');

function makeTexts(count: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const n = 2 + rng.int(8);
    return `${Array.from({ length: n }, () => WORDS[rng.int(WORDS.length)]).join(' ')} ${i}`;
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

type Action =
  | { kind: 'forward' }
  | { kind: 'reply'; status: number; headers?: Record<string, string>; body: string }
  | { kind: 'hang' }
  | { kind: 'reset' };

interface TestServer {
  url: string;
  requests: number;
  authorization: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * A real HTTP server in front of `upstream` that decides per request (numbered from 0)
 * whether to fail it or forward it. Forwarded answers come back with `data` reversed and
 * vectors scaled by 2.5, as a server that neither orders nor normalises would send them.
 */
async function startFrontServer(upstream: string | undefined, decide: (n: number) => Action): Promise<TestServer> {
  const state = { requests: 0, authorization: [] as (string | undefined)[] };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    state.authorization.push(req.headers.authorization);
    const action = decide(state.requests++);
    if (action.kind === 'hang') return;
    if (action.kind === 'reset') return void req.socket.destroy();
    if (action.kind === 'reply') {
      res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
      return void res.end(action.body);
    }
    // The vectors are rescaled as floats, so they are asked for as floats whatever the client asked.
    const body = JSON.stringify({ ...JSON.parse(Buffer.concat(chunks).toString('utf8')), encoding_format: 'float' });
    const answer = await fetch(`${upstream}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const json = (await answer.json()) as { data: { embedding: number[] }[] };
    for (const item of json.data) item.embedding = item.embedding.map((v) => v * 2.5);
    json.data.reverse();
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(json));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    authorization: state.authorization,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let local: Embedder;
let DIMS: number;
let server: EmbeddingServer;
const texts = makeTexts(300, 1);
let expected: Float32Array;

before(async () => {
  // Built once per machine into the shared test cache (test/support/paths.ts).
  local = await openStaticModel();
  DIMS = local.dims;
  server = await startEmbeddingServer(local, { maxBatch: 64 });
  expected = await local.embed(texts);
});

after(async () => {
  await server.close();
  await local.close();
});

test('the HTTP backend against the embedding server reproduces the local embedder, with either endpoint form', async () => {
  for (let i = 0; i < texts.length; i++) {
    const norm = Math.hypot(...expected.subarray(i * DIMS, (i + 1) * DIMS));
    assert.ok(Math.abs(norm - 1) < 1e-5, `text ${i} has a unit vector to compare`);
  }
  for (const endpoint of [server.url, `${server.url}/embeddings/`]) {
    const remote = await openHttpEmbedder({ endpoint, model: local.model, maxConcurrency: 4, requestBatchSize: 16 });
    try {
      assert.equal(remote.dims, local.dims, 'dims discovered by the probe request');
      assert.ok(maxAbsDiff(await remote.embed(texts), expected) <= 1e-6);
      assert.equal((await remote.embed([])).length, 0);
    } finally {
      await remote.close();
    }
  }
});

test('every text is embedded in order through a server that fails ~30% of requests, reorders and does not normalise', async () => {
  const rng = createRng(2024);
  let failures = 0;
  const flaky = await startFrontServer(server.url, () => {
    const r = rng.next();
    if (r >= 0.3) return { kind: 'forward' };
    failures++;
    if (r < 0.12) return { kind: 'reply', status: 429, headers: { 'retry-after': '0' }, body: '{"error":{"message":"slow down"}}' };
    if (r < 0.24) return { kind: 'reply', status: 503, body: 'overloaded' };
    return { kind: 'reset' };
  });
  const remote = await openHttpEmbedder({ endpoint: flaky.url, model: local.model, dims: DIMS, maxConcurrency: 4, requestBatchSize: 8, maxRetries: 12, retryBaseMs: 2 });
  try {
    assert.ok(maxAbsDiff(await remote.embed(texts), expected) <= 1e-6);
    assert.ok(failures >= 5, `the server injected ${failures} failures`);
    assert.equal(flaky.requests, Math.ceil(texts.length / 8) + failures);
  } finally {
    await remote.close();
    await flaky.close();
  }
});

test('a 400 fails at once with the status and the server message, and never shows the API key', async () => {
  const secret = 'sk-test-5f1c0ffee';
  process.env.SEMCLUST_TEST_KEY = secret;
  // A server that echoes the request headers back in its error body.
  const echoing = await startFrontServer(undefined, (n) => ({
    kind: 'reply',
    status: 400,
    body: JSON.stringify({ error: { message: `input too long; auth was ${echoing.authorization[n]}` } }),
  }));
  const remote = await openHttpEmbedder({ endpoint: echoing.url, model: 'm', dims: DIMS, apiKeyEnv: 'SEMCLUST_TEST_KEY', retryBaseMs: 1 });
  try {
    const err = await remote.embed(['a', 'b']).then(
      () => assert.fail('expected a rejection'),
      (e: Error) => e,
    );
    assert.match(err.message, /HTTP 400/);
    assert.match(err.message, /input too long/);
    assert.ok(!err.message.includes(secret), err.message);
    assert.ok(!(err.stack ?? '').includes(secret));
    assert.equal(echoing.requests, 1, 'not retried');
    assert.equal(echoing.authorization[0], `Bearer ${secret}`);
  } finally {
    delete process.env.SEMCLUST_TEST_KEY;
    await remote.close();
    await echoing.close();
  }
});

test('Retry-After is waited out before the retry', async () => {
  const front = await startFrontServer(server.url, (n) =>
    n === 0 ? { kind: 'reply', status: 429, headers: { 'retry-after': '1' }, body: '{}' } : { kind: 'forward' },
  );
  const remote = await openHttpEmbedder({ endpoint: front.url, model: local.model, dims: DIMS, retryBaseMs: 1 });
  try {
    const start = performance.now();
    const got = await remote.embed(texts.slice(0, 5));
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 995 && elapsed < 5000, `elapsed ${elapsed} ms`);
    assert.equal(front.requests, 2);
    assert.ok(maxAbsDiff(got, expected.subarray(0, 5 * DIMS)) <= 1e-6);
  } finally {
    await remote.close();
    await front.close();
  }
});

test('a request that times out is retried', async () => {
  const front = await startFrontServer(server.url, (n) => (n === 0 ? { kind: 'hang' } : { kind: 'forward' }));
  const remote = await openHttpEmbedder({ endpoint: front.url, model: local.model, dims: DIMS, timeoutMs: 300, retryBaseMs: 1 });
  try {
    const start = performance.now();
    const got = await remote.embed(texts.slice(0, 5));
    assert.ok(performance.now() - start >= 295);
    assert.equal(front.requests, 2);
    assert.ok(maxAbsDiff(got, expected.subarray(0, 5 * DIMS)) <= 1e-6);
  } finally {
    await remote.close();
    await front.close();
  }
});

test('retries stop after maxRetries with the last failure in the message', async () => {
  const front = await startFrontServer(undefined, () => ({ kind: 'reply', status: 503, body: 'still warming up' }));
  const remote = await openHttpEmbedder({ endpoint: front.url, model: 'm', dims: DIMS, maxRetries: 2, retryBaseMs: 1 });
  try {
    await assert.rejects(remote.embed(['x']), /after 3 attempts: HTTP 503 .*still warming up/);
    assert.equal(front.requests, 3);
  } finally {
    await remote.close();
    await front.close();
  }
  const closed = await startFrontServer(undefined, () => ({ kind: 'forward' }));
  const deadUrl = closed.url;
  await closed.close();
  await assert.rejects(
    openHttpEmbedder({ endpoint: deadUrl, model: 'm', maxRetries: 1, retryBaseMs: 1 }),
    /after 2 attempts: ECONNREFUSED/,
  );
});

test('a dimensionality different from the configured one is a clear error', async () => {
  const remote = await openHttpEmbedder({ endpoint: server.url, model: local.model, dims: 7 });
  try {
    await assert.rejects(remote.embed(['hello']), new RegExp(`returned ${DIMS}-d vectors, expected 7`));
  } finally {
    await remote.close();
  }
});

async function post(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

test('the server answers the OpenAI routes and shapes, including a string input and base64 vectors', async () => {
  const one = await post('/embeddings', { model: local.model, input: texts[3] });
  assert.equal(one.status, 200);
  assert.equal(one.json.object, 'list');
  assert.equal(one.json.model, local.model);
  assert.equal(one.json.data.length, 1);
  assert.ok(maxAbsDiff(Float32Array.from(one.json.data[0].embedding), expected.subarray(3 * DIMS, 4 * DIMS)) <= 1e-6);

  const b64 = await post('/embeddings', { model: local.model, input: texts.slice(0, 3), encoding_format: 'base64' });
  const decoded = new Float32Array(3 * DIMS);
  b64.json.data.forEach((d: { index: number; embedding: string }) => {
    const bytes = Buffer.from(d.embedding, 'base64');
    decoded.set(new Float32Array(bytes.buffer, bytes.byteOffset, DIMS), d.index * DIMS);
  });
  assert.ok(maxAbsDiff(decoded, expected.subarray(0, 3 * DIMS)) <= 1e-6);

  const models = (await (await fetch(`${server.url}/models`)).json()) as any;
  assert.deepEqual(models.data.map((m: { id: string }) => m.id), [local.model]);
  const health = await fetch(server.url.replace(/\/v1$/, '/health'));
  assert.equal(health.status, 200);
});

test('the server rejects bad requests with OpenAI-shaped JSON errors', async () => {
  const cases: [string, unknown, number, RegExp][] = [
    ['/embeddings', '{not json', 400, /not valid JSON/],
    ['/embeddings', { model: 'm', input: [] }, 400, /non-empty array of strings/],
    ['/embeddings', { model: 'm', input: [[1, 2, 3]] }, 400, /token arrays/],
    ['/embeddings', { model: 'm', input: 'x', encoding_format: 'int8' }, 400, /encoding_format/],
    ['/embeddings', { model: 'm', input: 'x', dimensions: 8 }, 400, new RegExp(`${DIMS}-d`)],
    ['/chat/completions', { model: 'm' }, 404, /unknown route/],
  ];
  for (const [path, body, status, message] of cases) {
    const res = await post(path, body);
    assert.equal(res.status, status, path);
    assert.match(res.json.error.message, message);
    assert.equal(typeof res.json.error.type, 'string');
  }
  const small = await startEmbeddingServer(local, { maxRequestBytes: 1000 });
  try {
    const res = await fetch(`${small.url}/embeddings`, { method: 'POST', body: JSON.stringify({ input: 'x'.repeat(2000) }) });
    assert.equal(res.status, 413);
    assert.match(((await res.json()) as any).error.message, /limit of 1000 bytes/);
  } finally {
    await small.close();
  }
});

test('concurrent small requests are coalesced into few embedder calls; large requests are split at maxBatch', async () => {
  const calls: number[] = [];
  const counting: Embedder = {
    model: local.model,
    dims: local.dims,
    embed: (t) => {
      calls.push(t.length);
      return local.embed(t);
    },
    close: async () => {},
  };
  for (const coalesce of [true, false]) {
    calls.length = 0;
    const s = await startEmbeddingServer(counting, { maxBatch: 32, coalesce });
    const remote = await openHttpEmbedder({ endpoint: s.url, model: local.model, dims: DIMS, maxConcurrency: 40, requestBatchSize: 1 });
    try {
      assert.ok(maxAbsDiff(await remote.embed(texts.slice(0, 40)), expected.subarray(0, 40 * DIMS)) <= 1e-6);
      if (coalesce) assert.ok(calls.length < 40 && Math.max(...calls) <= 32, `calls: ${calls}`);
      else assert.equal(calls.length, 40);
      calls.length = 0;
      const big = await openHttpEmbedder({ endpoint: s.url, model: local.model, dims: DIMS, requestBatchSize: 100 });
      assert.ok(maxAbsDiff(await big.embed(texts.slice(0, 100)), expected.subarray(0, 100 * DIMS)) <= 1e-6);
      assert.deepEqual(calls, [32, 32, 32, 4]);
      await big.close();
    } finally {
      await remote.close();
      await s.close();
    }
  }
});
