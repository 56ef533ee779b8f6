/**
 * Many embedding servers at once (issue 9 item 6): three endpoints of one model, one killed
 * mid-run and one answering 30% of requests with 503. Every row is embedded exactly once,
 * the vectors equal the local backend's, and the client says when it rests an endpoint.
 * Also: base64 and float answers give the same float32 values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRng } from '../../core/util/random.js';
import { openEmbedder } from '../../operators/embedders/open-embedder.js';
import { openHttpEmbedder } from '../../operators/embedders/openai-http.js';
import { startEmbeddingServer } from '../../operators/http/embedding-server.js';
import { embeddingsById } from '../../operators/parquet/read-embeddings.js';
import { runCli } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { startFront } from '../support/faulty-server.js';
import { tempDir } from '../support/paths.js';

const local = await openEmbedder({ embedding_model: 'static' } as Parameters<typeof openEmbedder>[0]);

test('three endpoints, one killed mid-run and one failing 30% with 503: every row once, the local vectors', { timeout: 120_000 }, async () => {
  const dir = tempDir('endpoints');
  const input = sotuJsonl(4000);
  const upstream = await startEmbeddingServer(local, { host: '127.0.0.1', port: 0 });
  const rng = createRng(11);
  let refused = 0;
  const flaky = await startFront(upstream.url, () =>
    rng.next() < 0.3 ? (refused++, { kind: 'reply', status: 503, body: '{"error":{"message":"overloaded"}}' }) : { kind: 'forward' },
  );
  const dying = await startFront(upstream.url, (n) => (n === 8 ? { kind: 'die' } : { kind: 'forward' }));
  const endpoints = [upstream.url, flaky.url, dying.url].join(',');
  try {
    const remote = path.join(dir, 'remote');
    const r = await runCli(['embed', input, remote, '--embedding-endpoint', endpoints, '--embedding-model', local.model, '--max-concurrency', '6', '--batch-size', '64', '--part-rows', '1000', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /failures in a row, rested for/);
    // Both faulty endpoints took part: the flaky one answered some 503s and served others, the dying one died.
    assert.ok(refused > 0 && flaky.requests > refused && dying.requests >= 9, `flaky: ${refused} of ${flaky.requests} refused; dying: ${dying.requests} requests`);

    const localOut = path.join(dir, 'local');
    assert.equal((await runCli(['embed', input, localOut, '--part-rows', '1000', '--quiet'])).code, 0);
    const want = embeddingsById(localOut);
    const got = embeddingsById(remote);
    assert.equal(new Set(got.ids).size, got.ids.length, 'no id embedded twice');
    assert.deepEqual(got.ids, want.ids, 'every row, in input order');
    let max = 0;
    for (const [id, v] of want.byId) {
      const w = got.byId.get(id)!;
      for (let j = 0; j < v.length; j++) max = Math.max(max, Math.abs(v[j] - w[j]));
    }
    // The servers coalesce requests, and float sums depend on the batch a text lands in.
    assert.ok(max <= 1e-6, `max abs diff ${max}`);
  } finally {
    await flaky.close();
    await dying.close().catch(() => {});
    await upstream.close();
  }
});

/** A proxy that asks upstream for float arrays whatever the client asked: a server that ignores encoding_format. */
async function floatOnly(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.concat(chunks).toString('utf8')), encoding_format: 'float' }));
    const up = http.request(`${upstream}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (r) => {
      res.writeHead(r.statusCode ?? 502, { 'content-type': 'application/json' });
      r.pipe(res);
    });
    up.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => new Promise((r) => server.close(() => r())) };
}

test('base64 and float answers carry the same float32 values', async () => {
  const upstream = await startEmbeddingServer(local, { host: '127.0.0.1', port: 0 });
  const floats = await floatOnly(upstream.url);
  try {
    const texts = fs.readFileSync(sotuJsonl(200), 'utf8').trim().split('\n').map((l) => JSON.parse(l).text as string);
    // One request at a time, so both see the same batches (the server coalesces concurrent ones).
    const viaBase64 = await openHttpEmbedder({ endpoint: upstream.url, model: local.model, maxConcurrency: 1 });
    const viaFloats = await openHttpEmbedder({ endpoint: floats.url, model: local.model, maxConcurrency: 1 });
    const a = await viaBase64.embed(texts);
    const b = await viaFloats.embed(texts);
    assert.equal(a.length, b.length);
    assert.ok(a.every((x, i) => Object.is(x, b[i])), 'bitwise the same');
    await viaBase64.close();
    await viaFloats.close();
  } finally {
    await floats.close();
    await upstream.close();
  }
});

test.after(() => local.close());
