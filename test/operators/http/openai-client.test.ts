/**
 * The HTTP client against servers that misbehave (issue 8, items 3, 6, 8, 10): each front
 * server (support/faulty-server.ts) is a real 127.0.0.1 server that forwards to
 * `startEmbeddingServer` over the static model (the real OpenAI embeddings protocol) and
 * damages, delays or drops answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir } from '../../support/paths.js';
import { sotuJsonl } from '../../support/corpus.js';
import { startCli } from '../../support/cli.js';
import { FRONT_SECRETS, startFront, VECTOR_DAMAGES, type Damage } from '../../support/faulty-server.js';
import type { Embedder } from '../../../operators/embedders/embedder.js';
import { openHttpEmbedder } from '../../../operators/embedders/openai-http.js';
import { openStaticModel } from '../../../operators/embedders/static-model.js';
import { startEmbeddingServer, type EmbeddingServer } from '../../../operators/http/embedding-server.js';
import { resolveSettings, SettingsError } from '../../../pipeline/settings/settings.js';

const SECRETS = FRONT_SECRETS;

function assertNoSecrets(text: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `"${s}" leaked into: ${text}`);
}

let local: Embedder;
let upstream: EmbeddingServer;
const texts = Array.from({ length: 24 }, (_, i) => `card ${i} was declined at the atm ${i % 5}`);
let expected: Float32Array;

before(async () => {
  local = await openStaticModel();
  upstream = await startEmbeddingServer(local);
  expected = await local.embed(texts);
});

after(async () => {
  await upstream.close();
  await local.close();
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Damages to one response: how, and what the error must say about input 9 (item index 1 of the second request). */
const DAMAGES: { name: string; action: Damage; says: RegExp }[] = [
  { name: 'null', action: VECTOR_DAMAGES.null, says: /input 9: null at position 3/ },
  { name: '1e999', action: VECTOR_DAMAGES['1e999'], says: /input 9: Infinity at position 5/ },
  { name: 'beyond float32', action: VECTOR_DAMAGES['beyond float32'], says: /input 9: 1e\+300 at position 0 \(beyond float32\)/ },
  { name: 'string', action: VECTOR_DAMAGES.string, says: /input 9: a string \("0\.5"\) at position 2/ },
  { name: 'wrong length', action: VECTOR_DAMAGES['wrong length'], says: /input 9: \d+ values, expected \d+/ },
  { name: 'all zero', action: VECTOR_DAMAGES['all zero'], says: /input 9: an all-zero vector/ },
];

test('unusable vectors (null, 1e999, beyond float32, strings, wrong length, all zero) are retried, then fatal, naming the endpoint and the inputs', async () => {
  for (const { name, action, says } of DAMAGES) {
    // Once: the retry gets a good answer and every vector is the local one.
    const lines: string[] = [];
    const once = await startFront(upstream.url, (n) => (n === 1 ? action : { kind: 'forward' }));
    const a = await openHttpEmbedder({ endpoint: once.url, model: local.model, dims: local.dims, requestBatchSize: 8, maxConcurrency: 1, retryBaseMs: 1, log: (l) => lines.push(l) });
    try {
      assert.ok(maxAbsDiff(await a.embed(texts), expected) <= 1e-6, name);
      assert.equal(once.requests, 4, `${name}: 3 requests and one retry`);
      assert.equal(lines.length, 1, `${name}: ${lines.join('\n')}`);
      assert.match(lines[0], /embedding request \(inputs 8–15 of the batch\): attempt 1 of 7 failed: .*unusable vectors for inputs 8–15/);
      assert.match(lines[0], says);
      assert.match(lines[0], /http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1\/embeddings\?api-key=\*\*\*/);
      assertNoSecrets(lines[0]);
    } finally {
      await a.close();
      await once.close();
    }
    // Always: fatal after the retries, with the same facts.
    const always = await startFront(upstream.url, (n) => (n >= 1 ? action : { kind: 'forward' }));
    const b = await openHttpEmbedder({ endpoint: always.url, model: local.model, dims: local.dims, requestBatchSize: 8, maxConcurrency: 1, maxRetries: 2, retryBaseMs: 1, log: () => {} });
    try {
      const err = await b.embed(texts).then(() => assert.fail(`${name}: accepted`), (e: Error) => e);
      assert.match(err.message, /after 3 attempts: embedding server http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1\/embeddings\?api-key=\*\*\* returned unusable vectors for inputs 8–15 of the batch/);
      assert.match(err.message, says);
      assertNoSecrets(err.message);
    } finally {
      await b.close();
      await always.close();
    }
  }
});

test('the same wrong length on every vector is the model, not a glitch: fatal at once with the fix', async () => {
  const front = await startFront(upstream.url, () => ({ kind: 'forward' }));
  const remote = await openHttpEmbedder({ endpoint: front.url, model: local.model, dims: local.dims + 1, retryBaseMs: 1, log: () => {} });
  try {
    await assert.rejects(remote.embed(texts.slice(0, 3)), new RegExp(`returned ${local.dims}-d vectors, expected ${local.dims + 1}: check --embedding-model`));
    assert.equal(front.requests, 1);
  } finally {
    await remote.close();
    await front.close();
  }
});

test('a hung server times out per attempt, each retry is one line on stderr, then the error says how long it waited', async () => {
  const lines: string[] = [];
  const front = await startFront(upstream.url, () => ({ kind: 'hang' }));
  const remote = await openHttpEmbedder({ endpoint: front.url, model: local.model, dims: local.dims, timeoutMs: 200, maxRetries: 2, retryBaseMs: 1, log: (l) => lines.push(l) });
  try {
    const start = performance.now();
    await assert.rejects(remote.embed(['x']), /embedding request \(input 0 of the batch\) failed after 3 attempts: ETIMEDOUT from http:\/\/\*\*\*@127.*: no complete response within 0\.2 s/);
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 3 * 200 && elapsed < 3000, `${elapsed} ms`);
    assert.equal(front.requests, 3);
    assert.deepEqual(lines.map((l) => /attempt (\d) of 3 failed: ETIMEDOUT.*; retrying in \d+\.\d s$/.exec(l)?.[1]), ['1', '2']);
  } finally {
    await remote.close();
    await front.close();
  }
});

test('Retry-After is capped at 60 s and the line says so; close() ends the wait at once', async () => {
  const lines: string[] = [];
  let sawLine: () => void;
  const logged = new Promise<void>((r) => (sawLine = r));
  const front = await startFront(upstream.url, () => ({ kind: 'reply', status: 429, headers: { 'retry-after': '3600' }, body: '{"error":{"message":"slow down"}}' }));
  const remote = await openHttpEmbedder({
    endpoint: front.url, model: local.model, dims: local.dims, retryBaseMs: 1,
    log: (l) => {
      lines.push(l);
      sawLine();
    },
  });
  const pending = remote.embed(['x']).then(() => assert.fail('resolved'), (e: Error) => e);
  await logged;
  assert.match(lines[0], /HTTP 429 .*slow down.*; retrying in 60 s \(the server asked for 3600 s in Retry-After; semclust waits at most 60 s\)/);
  const closedAt = performance.now();
  await remote.close();
  const err = await pending;
  assert.ok(performance.now() - closedAt < 500, 'close() ended the 60 s wait');
  assert.match(err.message, /embedding client for http:\/\/\*\*\*@127.* was closed/);
  assertNoSecrets(err.message);
  await front.close();
});

test('close() rejects requests in flight and queued ones; nothing is sent after it', async () => {
  const front = await startFront(upstream.url, () => ({ kind: 'hang' }));
  const remote = await openHttpEmbedder({ endpoint: front.url, model: local.model, dims: local.dims, requestBatchSize: 1, maxConcurrency: 2, log: () => {} });
  const pending = remote.embed(texts.slice(0, 6)).then(() => assert.fail('resolved'), (e: Error) => e);
  while (front.requests < 2) await new Promise((r) => setTimeout(r, 10));
  await remote.close();
  assert.match((await pending).message, /was closed/);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(front.requests, 2, 'the four queued requests were never sent');
  await front.close();
});

test('a 2xx body larger than the request can need is refused while streaming, with or without Content-Length', async () => {
  for (const declare of [false, true]) {
    // 8 vectors of the static model need well under 1 MB; the server sends 32 MB.
    const front = await startFront(upstream.url, () => ({ kind: 'huge', bytes: 32 << 20, declare }));
    const remote = await openHttpEmbedder({ endpoint: front.url, model: local.model, dims: local.dims, retryBaseMs: 1, log: () => {} });
    try {
      const err = await remote.embed(texts.slice(0, 8)).then(() => assert.fail('accepted'), (e: Error) => e);
      assert.match(err.message, /failed \(not retried\): ERESPONSETOOLARGE from http:\/\/\*\*\*@127.*: the response is over \d+ bytes/);
      assert.equal(front.requests, 1);
      const cap = Number(/over (\d+) bytes/.exec(err.message)![1]);
      assert.ok(cap < 1 << 20, `cap ${cap} follows 8 × ${local.dims} dims`);
    } finally {
      await remote.close();
      await front.close();
    }
  }
  // Padding within the cap is still a valid answer.
  const front = await startFront(upstream.url, () => ({ kind: 'huge', bytes: 1 << 16, declare: false }));
  const remote = await openHttpEmbedder({ endpoint: front.url, model: local.model, dims: local.dims });
  try {
    assert.ok(maxAbsDiff(await remote.embed(texts.slice(0, 8)), expected.subarray(0, 8 * local.dims)) <= 1e-6);
  } finally {
    await remote.close();
    await front.close();
  }
});

test('absurd concurrency is refused in the settings and in the client, in the tool’s words', async () => {
  assert.throws(
    () => resolveSettings([{ origin: 'command line', values: { max_concurrency: 100000 } }]),
    (e: Error) => e instanceof SettingsError && /max_concurrency: at most 256: more requests only queue on the server/.test(e.message),
  );
  assert.equal(resolveSettings([{ origin: 'command line', values: { max_concurrency: 256 } }]).max_concurrency, 256);
  await assert.rejects(openHttpEmbedder({ endpoint: upstream.url, model: 'm', dims: 3, maxConcurrency: 100000 }), /max concurrency must be a whole number from 1 to 256, got 100000/);
});

test('`semclust embed` exits within seconds of a fatal error when the server dies mid-run, and prints each retry', { timeout: 120_000 }, async () => {
  const dir = tempDir('dead-server');
  // 4 batches of 512 rows in flight, 8 requests each: 32 requests queued when the server dies.
  const input = sotuJsonl(4000);
  const front = await startFront(upstream.url, (n) => (n < 6 ? { kind: 'forward' } : { kind: 'die' }));
  const cli = startCli([
    'embed', input, path.join(dir, 'out'), '--embedding-endpoint', front.url, '--embedding-model', local.model,
    '--batch-size', '512', '--max-concurrency', '4', '--request-retries', '3', '--quiet',
  ]);
  let errorAt = 0;
  let stderr = '';
  cli.child.stderr!.on('data', (d) => {
    stderr += d;
    if (!errorAt && /failed after 4 attempts/.test(stderr)) errorAt = performance.now();
  });
  const result = await cli.done;
  const exitAt = performance.now();
  await front.close();
  assert.equal(result.code, 1, result.stderr);
  assert.ok(errorAt > 0, result.stderr);
  assert.ok(exitAt - errorAt < 3000, `exited ${((exitAt - errorAt) / 1000).toFixed(1)} s after the error`);
  assert.match(result.stderr, /attempt 1 of 4 failed: (ECONNREFUSED|ECONNRESET) from http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1\/embeddings\?api-key=\*\*\*/);
  assert.match(result.stderr, /\[the batch holds the rows of .*sotu-4000\.jsonl:\d+ to .*sotu-4000\.jsonl:\d+\]/);
  assertNoSecrets(result.stderr);
});
