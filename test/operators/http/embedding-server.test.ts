/**
 * `semclust serve` limits and security (issue 8, items 8 and 9): inputs per request, empty
 * inputs, an API key from the environment, and the warning when other machines can reach it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import '../../support/paths.js';
import { startCli } from '../../support/cli.js';
import type { Embedder } from '../../../operators/embedders/embedder.js';
import { openHttpEmbedder } from '../../../operators/embedders/openai-http.js';
import { openStaticModel } from '../../../operators/embedders/static-model.js';
import { SERVE_API_KEY_ENV, startEmbeddingServer } from '../../../operators/http/embedding-server.js';

let local: Embedder;

before(async () => {
  local = await openStaticModel();
});

after(async () => {
  await local.close();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${url}/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json(), headers: res.headers };
}

test('a request over the input limit gets a 413 that says the limit and what to do; the server stays responsive', async () => {
  const small = await startEmbeddingServer(local, { maxInputs: 10 });
  try {
    const over = await post(small.url, { input: Array.from({ length: 11 }, (_, i) => `text ${i}`) });
    assert.equal(over.status, 413);
    assert.equal(over.json.error.message, "'input' holds 11 texts; this server takes at most 10 per request: split it into smaller requests");
    assert.equal(over.json.error.param, 'input');
    const at = await post(small.url, { input: Array.from({ length: 10 }, (_, i) => `text ${i}`) });
    assert.equal(at.status, 200);
    assert.equal(at.json.data.length, 10);
  } finally {
    await small.close();
  }
  // The default limit: one request of a million strings (once 73 s of CPU and 2.1 GB) is refused before any embedding.
  const server = await startEmbeddingServer(local, { maxRequestBytes: 64 << 20 });
  try {
    const start = performance.now();
    const million = await post(server.url, `{"input":[${'"x",'.repeat(999_999)}"x"]}`);
    assert.equal(million.status, 413);
    assert.match(million.json.error.message, /holds 1000000 texts; this server takes at most 2048 per request/);
    const ok = await post(server.url, { input: ['still here'] });
    assert.equal(ok.status, 200);
    assert.ok(performance.now() - start < 20_000);
  } finally {
    await server.close();
  }
});

test('an empty string input is a 400 naming where it is', async () => {
  const server = await startEmbeddingServer(local);
  try {
    const one = await post(server.url, { input: '' });
    assert.equal(one.status, 400);
    assert.equal(one.json.error.message, "'input' is an empty string");
    const list = await post(server.url, { input: ['a', '', 'c'] });
    assert.equal(list.status, 400);
    assert.equal(list.json.error.message, "'input[1]' is an empty string");
    assert.equal((await post(server.url, { input: [' '] })).status, 200, 'whitespace is text, not empty');
  } finally {
    await server.close();
  }
});

test('with a key in the environment every route but /health needs it as a Bearer token; the client sends it', async () => {
  const env = 'SEMCLUST_TEST_SERVE_KEY';
  process.env[env] = 'serve-key-7d3a';
  const server = await startEmbeddingServer(local, { apiKeyEnv: env });
  try {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'serve-key-7d3a' }, { authorization: 'Basic c2VydmUta2V5LTdkM2E=' }] as Record<string, string>[]) {
      const res = await post(server.url, { input: 'x' }, headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.json.error.code, 'invalid_api_key');
      assert.match(res.json.error.message, new RegExp(`send the value of ${env} as "Authorization: Bearer KEY"`));
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
      assert.ok(!JSON.stringify(res.json).includes('serve-key-7d3a'));
    }
    assert.equal((await fetch(`${server.url}/models`)).status, 401);
    assert.equal((await fetch(server.url.replace(/\/v1$/, '/health'))).status, 200);
    assert.equal((await post(server.url, { input: 'x' }, { authorization: 'Bearer serve-key-7d3a' })).status, 200);

    const texts = ['card declined', 'lost my pin', 'refund pending'];
    const remote = await openHttpEmbedder({ endpoint: server.url, model: local.model, apiKeyEnv: env });
    try {
      const got = await remote.embed(texts);
      const want = await local.embed(texts);
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-6);
    } finally {
      await remote.close();
    }
  } finally {
    delete process.env[env];
    await server.close();
  }
});

test('binding a non-loopback address warns, saying whether a key is required; loopback is silent', async () => {
  const lines: string[] = [];
  const warn = (l: string) => lines.push(l);
  for (const host of ['127.0.0.1', 'localhost']) {
    const s = await startEmbeddingServer(local, { host, warn });
    await s.close();
  }
  assert.deepEqual(lines, []);
  const open = await startEmbeddingServer(local, { host: '0.0.0.0', warn, apiKeyEnv: 'SEMCLUST_TEST_UNSET_KEY' });
  const port = new URL(open.url).port;
  await open.close();
  assert.deepEqual(lines, [`warning: serving on 0.0.0.0:${port}, which other machines can reach without any key: set SEMCLUST_TEST_UNSET_KEY to require one, or use --host 127.0.0.1`]);
  process.env.SEMCLUST_TEST_SET_KEY = 'k-1234';
  try {
    const keyed = await startEmbeddingServer(local, { host: '0.0.0.0', warn, apiKeyEnv: 'SEMCLUST_TEST_SET_KEY' });
    await keyed.close();
  } finally {
    delete process.env.SEMCLUST_TEST_SET_KEY;
  }
  assert.match(lines[1], /^warning: serving on 0\.0\.0\.0:\d+, which other machines can reach; requests need the key in SEMCLUST_TEST_SET_KEY, sent over plain HTTP/);
});

test('`semclust serve --host 0.0.0.0` warns on stderr and takes its key from SEMCLUST_SERVE_API_KEY', { timeout: 60_000 }, async () => {
  process.env[SERVE_API_KEY_ENV] = 'cli-key-91f0';
  const server = startCli(['serve', '--host', '0.0.0.0', '--port', '0']);
  delete process.env[SERVE_API_KEY_ENV];
  let stderr = '';
  try {
    const port = await new Promise<string>((resolve, reject) => {
      server.child.stderr!.on('data', (d) => {
        stderr += d;
        const m = /at http:\/\/0\.0\.0\.0:(\d+)\/v1\/embeddings/.exec(stderr);
        if (m) resolve(m[1]);
      });
      server.child.on('exit', () => reject(new Error(`serve exited: ${stderr}`)));
    });
    assert.match(stderr, new RegExp(`warning: serving on 0\\.0\\.0\\.0:${port}, which other machines can reach; requests need the key in ${SERVE_API_KEY_ENV}`));
    const url = `http://127.0.0.1:${port}/v1`;
    assert.equal((await post(url, { input: 'x' })).status, 401);
    assert.equal((await post(url, { input: 'x' }, { authorization: 'Bearer cli-key-91f0' })).status, 200);
  } finally {
    server.child.kill('SIGTERM');
    await server.done;
  }
  assert.ok(!stderr.includes('cli-key-91f0'));
});

test('usage holds the tokens the served model reads, and a client sums them into the same total', async () => {
  const server = await startEmbeddingServer(local);
  try {
    // Plain lower-case words are one token each in the static model's word tokenizer (hand-counted: 4 + 2).
    const r = await post(server.url, { input: ['the card was declined', 'refund please'] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.usage, { prompt_tokens: 6, total_tokens: 6 });
    const texts = ['my card payment is pending', 'how do i top up', 'exchange rate'];
    const client = await openHttpEmbedder({ endpoint: server.url, model: local.model, dims: local.dims });
    await client.embed(texts);
    assert.equal(client.usage!().prompt_tokens, local.countTokens!(texts));
    assert.equal(local.countTokens!(texts), 5 + 5 + 2);
    await client.close();
  } finally {
    await server.close();
  }
});
