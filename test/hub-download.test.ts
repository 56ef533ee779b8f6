import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { COMPLETE_MARKER, resolveModel, type DownloadProgress } from '../operators/embedders/hub-download.js';
import { openOnnxFolder } from '../operators/embedders/onnx-folder.js';
import { writeTinyTransformer } from './support/tiny-transformer.js';

/**
 * A local stand-in for the hub: serves /<owner>/<name>/resolve/main/<file> from generated model
 * folders, redirects .onnx files to a /cdn/ path as the hub does for LFS files, and can fail or
 * cut a response short on demand.
 */
const repos = new Map<string, string>();
const failing = new Map<string, number>();
const interruptOnce = new Set<string>();
const requests: { path: string; authorization: string | undefined }[] = [];
let server: http.Server;
let endpoint: string;
let root: string;

async function serveFile(repo: string, file: string, res: http.ServerResponse): Promise<void> {
  const dir = repos.get(repo);
  const body = dir ? await readFile(path.join(dir, file)).catch(() => null) : null;
  if (!body) {
    res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  if (interruptOnce.delete(`${repo}/${file}`)) {
    res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
    return;
  }
  res.end(body);
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'semclust-hub-'));
  await writeTinyTransformer(path.join(root, 'src', 'tiny-embed'), { seed: 5, tokenizer: 'wordpiece', sbertMaxSeqLength: 16 });
  await writeTinyTransformer(path.join(root, 'src', 'root-layout'), { seed: 6, tokenizer: 'bpe', layout: 'root', pooling: null });
  await writeTinyTransformer(path.join(root, 'src', 'no-onnx'), { seed: 8, tokenizer: 'wordpiece' });
  await rm(path.join(root, 'src', 'no-onnx', 'onnx'), { recursive: true });
  for (const name of ['tiny-embed', 'root-layout', 'no-onnx']) repos.set(`acme/${name}`, path.join(root, 'src', name));

  server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://hub');
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/(.+)$/.exec(url.pathname);
    if (cdn) return void serveFile(cdn[1], cdn[2], res);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    if (!resolve) return void res.writeHead(400).end();
    const [, repo, file] = resolve;
    const status = failing.get(`${repo}/${file}`);
    if (status !== undefined) return void res.writeHead(status).end();
    if (file.endsWith('.onnx')) return void res.writeHead(302, { location: `/cdn/${repo}/${file}` }).end();
    void serveFile(repo, file, res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.HF_ENDPOINT = endpoint;
});

after(async () => {
  delete process.env.HF_ENDPOINT;
  await new Promise((done) => server.close(done));
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  requests.length = 0;
  failing.clear();
  interruptOnce.clear();
  delete process.env.HF_TOKEN;
});

async function freshCache(): Promise<string> {
  return mkdtemp(path.join(root, 'cache-'));
}

test('a hub id is downloaded once with byte progress and HF_TOKEN; optional files may 404; the folder embeds as the source', async () => {
  process.env.HF_TOKEN = 'hf_test_token';
  const cacheDir = await freshCache();
  const progress: DownloadProgress[] = [];
  const dir = await resolveModel('acme/tiny-embed', { cacheDir, onProgress: (p) => progress.push(p) });

  assert.equal(dir, path.join(cacheDir, 'hub', 'acme--tiny-embed'));
  const source = path.join(root, 'src', 'tiny-embed');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'onnx/model.onnx']) {
    assert.deepEqual(await readFile(path.join(dir, file)), await readFile(path.join(source, file)), file);
  }
  // special_tokens_map.json and modules.json are absent from the source: 404s that do not fail the download.
  assert.ok(requests.some((r) => r.path.endsWith('/special_tokens_map.json')));
  await assert.rejects(stat(path.join(dir, 'special_tokens_map.json')));
  assert.ok(requests.every((r) => r.authorization === 'Bearer hf_test_token'));

  const modelBytes = (await stat(path.join(source, 'onnx/model.onnx'))).size;
  const last = progress.filter((p) => p.file === 'onnx/model.onnx').at(-1);
  assert.deepEqual(last, { phase: 'download onnx/model.onnx', file: 'onnx/model.onnx', done: modelBytes, total: modelBytes });

  requests.length = 0;
  assert.equal(await resolveModel('acme/tiny-embed', { cacheDir }), dir);
  assert.equal(requests.length, 0, 'a complete download is not fetched again');

  const downloaded = await openOnnxFolder(dir);
  const local = await openOnnxFolder(source);
  try {
    assert.equal(downloaded.model, 'acme/tiny-embed');
    assert.deepEqual(await downloaded.embed(['hello world', 'my card is lost']), await local.embed(['hello world', 'my card is lost']));
  } finally {
    await downloaded.close();
    await local.close();
  }
});

test('a local folder is returned as is, without network', async () => {
  const source = path.join(root, 'src', 'tiny-embed');
  assert.equal(await resolveModel(source, { cacheDir: await freshCache() }), source);
  assert.equal(requests.length, 0);
});

test('a repo with model.onnx at its root is found after onnx/model.onnx 404s', async () => {
  const dir = await resolveModel('acme/root-layout', { cacheDir: await freshCache() });
  assert.deepEqual(await readFile(path.join(dir, 'model.onnx')), await readFile(path.join(root, 'src', 'root-layout', 'model.onnx')));
  const e = await openOnnxFolder(dir);
  assert.equal(e.model, 'acme/root-layout');
  await e.close();
});

test('a failing required file gives a clear error and leaves no complete marker', async () => {
  const cacheDir = await freshCache();
  const target = path.join(cacheDir, 'hub', 'acme--tiny-embed');
  failing.set('acme/tiny-embed/tokenizer.json', 404);
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), (err: Error) =>
    err.message.includes(`${endpoint}/acme/tiny-embed/resolve/main/tokenizer.json was not found`),
  );
  await assert.rejects(stat(path.join(target, COMPLETE_MARKER)));

  failing.set('acme/tiny-embed/tokenizer.json', 500);
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), /tokenizer\.json answered HTTP 500/);
  failing.set('acme/tiny-embed/tokenizer.json', 401);
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), /HTTP 401.*set HF_TOKEN/);
  await assert.rejects(resolveModel('acme/no-onnx', { cacheDir }), /acme\/no-onnx has no ONNX weights .*optimum-cli/);
});

test('a download cut off mid-file is not marked complete and is redone on the next call', async () => {
  const cacheDir = await freshCache();
  const target = path.join(cacheDir, 'hub', 'acme--tiny-embed');
  interruptOnce.add('acme/tiny-embed/onnx/model.onnx');
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), /onnx\/model\.onnx was interrupted after \d+ bytes/);
  await assert.rejects(stat(path.join(target, COMPLETE_MARKER)));
  assert.deepEqual(await readdir(path.join(target, 'onnx')), [], 'the partial file is removed');

  requests.length = 0;
  const dir = await resolveModel('acme/tiny-embed', { cacheDir });
  assert.ok(requests.some((r) => r.path.endsWith('/onnx/model.onnx')), 'the model is fetched again');
  assert.deepEqual(await readFile(path.join(dir, 'onnx/model.onnx')), await readFile(path.join(root, 'src', 'tiny-embed', 'onnx/model.onnx')));
  await stat(path.join(dir, COMPLETE_MARKER));
});

test('an unreachable hub says so and what to do; a name that is neither folder nor id is refused', async () => {
  const closed = http.createServer();
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((done) => closed.close(done));
  process.env.HF_ENDPOINT = `http://127.0.0.1:${port}`;
  try {
    await assert.rejects(
      resolveModel('acme/tiny-embed', { cacheDir: await freshCache() }),
      (err: Error) => err.message.includes(`could not reach http://127.0.0.1:${port}`) && /HF_ENDPOINT.*local folder/.test(err.message),
    );
  } finally {
    process.env.HF_ENDPOINT = endpoint;
  }
  await assert.rejects(resolveModel(path.join(root, 'missing', 'folder', 'x'), { cacheDir: await freshCache() }), /neither an existing folder nor a Hugging Face hub id/);
});
