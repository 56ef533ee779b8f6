import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hubCacheDir } from '../../../operators/hub/hf-cache.js';
import { resolveModel, resolveTokenizer, type DownloadProgress } from '../../../operators/embedders/hub-download.js';
import { openEmbedder } from '../../../operators/embedders/open-embedder.js';
import { openOnnxFolder } from '../../../operators/embedders/onnx-folder.js';
import { openStaticFolder, staticLayout } from '../../../operators/embedders/static-folder.js';
import { Settings } from '../../../schemas/config.js';
import { LocalHub } from '../../support/local-hub.js';
import { writeStaticModel } from '../../support/model2vec.js';
import { writeTinyTransformer } from '../../support/tiny-transformer.js';

let hub: LocalHub;
let root: string;
let commits: Record<string, Record<string, string>> = {};
const src = (name: string) => path.join(root, 'src', name);

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'semclust-hub-'));
  await writeTinyTransformer(src('tiny-embed'), { seed: 5, tokenizer: 'wordpiece', sbertMaxSeqLength: 16 });
  await writeTinyTransformer(src('tiny-embed-v1'), { seed: 9, tokenizer: 'wordpiece', sbertMaxSeqLength: 16 });
  await writeTinyTransformer(src('root-layout'), { seed: 6, tokenizer: 'bpe', layout: 'root', pooling: null });
  await writeTinyTransformer(src('no-onnx'), { seed: 8, tokenizer: 'wordpiece' });
  await rm(path.join(src('no-onnx'), 'onnx'), { recursive: true });
  // A Transformers.js repo: fp32, fp16 and int8 variants side by side under onnx/.
  await writeTinyTransformer(src('xenova'), { seed: 5, tokenizer: 'wordpiece' });
  await writeTinyTransformer(src('xenova'), { seed: 5, tokenizer: 'wordpiece', outputType: 'float16', modelFile: 'onnx/model_fp16.onnx' });
  await writeTinyTransformer(src('xenova'), { seed: 11, tokenizer: 'wordpiece', modelFile: 'onnx/model_quantized.onnx' });
  await writeTinyTransformer(src('q8-only'), { seed: 11, tokenizer: 'wordpiece', modelFile: 'onnx/model_quantized.onnx' });
  await writeStaticModel(src('potion'), { seed: 3, layout: 'model2vec' });
  await writeStaticModel(src('static-st'), { seed: 4, layout: 'sentence-transformers' });

  hub = await LocalHub.start();
  commits = {
    'acme/tiny-embed': await hub.addRepo('acme/tiny-embed', { main: src('tiny-embed'), v1: src('tiny-embed-v1') }),
    'acme/root-layout': await hub.addRepo('acme/root-layout', { main: src('root-layout') }),
    'acme/no-onnx': await hub.addRepo('acme/no-onnx', { main: src('no-onnx') }),
    'Xenova/tiny': await hub.addRepo('Xenova/tiny', { main: src('xenova') }),
    'acme/q8-only': await hub.addRepo('acme/q8-only', { main: src('q8-only') }),
    'minishlab/potion-tiny': await hub.addRepo('minishlab/potion-tiny', { main: src('potion') }),
    'acme/static-st': await hub.addRepo('acme/static-st', { main: src('static-st') }),
    'acme/gated': await hub.addRepo('acme/gated', { main: src('tiny-embed') }, { token: 'hf_good' }),
  };
  hub.renamed.set('acme/old-name', 'acme/tiny-embed');
  process.env.HF_ENDPOINT = hub.url;
});

after(async () => {
  delete process.env.HF_ENDPOINT;
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => {
  hub.requests.length = 0;
  hub.failing.clear();
  delete process.env.HF_TOKEN;
  delete process.env.HF_HUB_OFFLINE;
});

async function freshCache(): Promise<string> {
  return mkdtemp(path.join(root, 'cache-'));
}

async function vectors(dir: string, options: Parameters<typeof openOnnxFolder>[1] = {}): Promise<Float32Array> {
  const e = await openOnnxFolder(dir, options);
  try {
    return await e.embed(['hello world', 'my card is lost']);
  } finally {
    await e.close();
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

test('HF_HUB_CACHE, then HF_HOME/hub, then ~/.cache/huggingface/hub is the cache, as huggingface_hub reads them', () => {
  assert.equal(hubCacheDir({ HF_HUB_CACHE: '/a', HF_HOME: '/b' }), '/a');
  assert.equal(hubCacheDir({ HF_HOME: '/b' }), path.join('/b', 'hub'));
  assert.equal(hubCacheDir({ XDG_CACHE_HOME: '/x' }), path.join('/x', 'huggingface', 'hub'));
  assert.equal(hubCacheDir({}), path.join(os.homedir(), '.cache', 'huggingface', 'hub'));
});

test('a hub id is downloaded into the huggingface_hub layout: blobs named by etag, relative snapshot links, refs/main, .no_exist', async () => {
  process.env.HF_TOKEN = 'hf_test_token';
  const cacheDir = await freshCache();
  const progress: DownloadProgress[] = [];
  const commit = commits['acme/tiny-embed'].main;
  const resolved = await resolveModel('acme/tiny-embed', { cacheDir, onProgress: (p) => progress.push(p) });
  const repo = path.join(cacheDir, 'models--acme--tiny-embed');
  assert.deepEqual(resolved, { dir: path.join(repo, 'snapshots', commit), name: 'acme/tiny-embed', revision: commit });
  assert.equal(await readFile(path.join(repo, 'refs', 'main'), 'utf8'), commit);

  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'onnx/model.onnx']) {
    const bytes = await readFile(path.join(src('tiny-embed'), file));
    const link = path.join(resolved.dir, file);
    assert.ok((await lstat(link)).isSymbolicLink(), `${file} is a symlink`);
    const etag = file.endsWith('.onnx') ? sha256(bytes) : gitSha1(bytes);
    assert.equal(await readlink(link), path.relative(path.dirname(link), path.join(repo, 'blobs', etag)), `${file} points at its blob`);
    assert.deepEqual(await readFile(link), bytes, file);
  }
  // Files the repo lacks are remembered, so a later run (or Python) does not ask again.
  await stat(path.join(repo, '.no_exist', commit, 'special_tokens_map.json'));
  assert.deepEqual((await readdir(path.join(repo, 'blobs'))).filter((f) => f.includes('incomplete')), []);

  // The token goes to the hub, never to the CDN that serves the LFS bytes.
  assert.ok(hub.requests.some((r) => r.server === 'cdn'));
  for (const r of hub.requests) assert.equal(r.authorization, r.server === 'hub' ? 'Bearer hf_test_token' : undefined, `${r.server} ${r.path}`);
  const modelBytes = (await stat(path.join(src('tiny-embed'), 'onnx/model.onnx'))).size;
  assert.deepEqual(progress.filter((p) => p.file === 'onnx/model.onnx').at(-1), { phase: 'download onnx/model.onnx', file: 'onnx/model.onnx', done: modelBytes, total: modelBytes });

  hub.requests.length = 0;
  assert.deepEqual(await resolveModel('acme/tiny-embed', { cacheDir }), resolved);
  assert.equal(hub.requests.length, 1, 'main is resolved again with one small request; nothing is downloaded');
  hub.requests.length = 0;
  assert.deepEqual(await resolveModel('acme/tiny-embed', { cacheDir, revision: commit }), resolved);
  assert.equal(hub.requests.length, 0, 'a cached commit needs no network at all');

  const e = await openEmbedder(Settings.parse({ embedding_model: 'acme/tiny-embed', revision: commit }));
  try {
    assert.equal(e.model, 'acme/tiny-embed');
    assert.equal(e.revision, commit);
  } finally {
    await e.close();
  }
  assert.deepEqual(await vectors(resolved.dir), await vectors(src('tiny-embed')));
});

test('--revision takes a tag or a commit; the tag is recorded in refs/ and gives that commit\'s weights', async () => {
  const cacheDir = await freshCache();
  const v1 = commits['acme/tiny-embed'].v1;
  const byTag = await resolveModel('acme/tiny-embed', { cacheDir, revision: 'v1' });
  assert.equal(byTag.revision, v1);
  assert.equal(await readFile(path.join(cacheDir, 'models--acme--tiny-embed', 'refs', 'v1'), 'utf8'), v1);
  assert.deepEqual(await vectors(byTag.dir), await vectors(src('tiny-embed-v1')));
  assert.notDeepEqual(await vectors(byTag.dir), await vectors(src('tiny-embed')));
  assert.equal((await resolveModel('acme/tiny-embed', { cacheDir: await freshCache(), revision: v1 })).revision, v1);
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir, revision: 'v9' }), /acme\/tiny-embed has no revision v9/);
});

test('HF_HUB_OFFLINE=1 reads only the cache, and says which file or ref is missing and the ways out', async () => {
  const cacheDir = await freshCache();
  const online = await resolveModel('acme/tiny-embed', { cacheDir });
  process.env.HF_HUB_OFFLINE = '1';
  hub.requests.length = 0;
  assert.deepEqual(await resolveModel('acme/tiny-embed', { cacheDir }), online);
  assert.equal(hub.requests.length, 0);

  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir: await freshCache() }), (err: Error) => {
    assert.match(err.message, /HF_HUB_OFFLINE is set and acme\/tiny-embed@main was never downloaded .*refs\/main/);
    assert.match(err.message, /--embedding-model static/);
    assert.match(err.message, /optimum-cli export onnx --model acme\/tiny-embed DIR/);
    assert.match(err.message, /--embedding-endpoint URL/);
    return true;
  });
  await rm(path.join(online.dir, 'onnx', 'model.onnx'));
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), /onnx\/model\.onnx of acme\/tiny-embed@[0-9a-f]{40} is not in the cache/);
  // config.json is asked for without requiring it (a static repo has modules.json instead): its absence offline names the cache path, not a URL (issue 18 item 6).
  await rm(path.join(online.dir, 'config.json'));
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), (err: Error) => {
    assert.match(err.message, /^HF_HUB_OFFLINE is set and config\.json of acme\/tiny-embed@[0-9a-f]{40} is not in the cache \(.*snapshots\/[0-9a-f]{40}\/config\.json\)/);
    assert.doesNotMatch(err.message, /https?:\/\//);
    return true;
  });
  assert.equal(hub.requests.length, 0);
});

test('a cache laid out by Python (huggingface_hub) is used offline without any request', async () => {
  const cacheDir = await freshCache();
  const repo = path.join(cacheDir, 'models--sentence-transformers--tiny');
  const commit = 'b'.repeat(40);
  await mkdir(path.join(repo, 'refs'), { recursive: true });
  await writeFile(path.join(repo, 'refs', 'main'), commit);
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'onnx/model.onnx']) {
    const bytes = await readFile(path.join(src('tiny-embed'), file));
    const blob = path.join(repo, 'blobs', file.endsWith('.onnx') ? sha256(bytes) : gitSha1(bytes));
    await mkdir(path.dirname(blob), { recursive: true });
    await writeFile(blob, bytes);
    const link = path.join(repo, 'snapshots', commit, file);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(path.relative(path.dirname(link), blob), link);
  }
  process.env.HF_HUB_OFFLINE = 'true';
  const resolved = await resolveModel('sentence-transformers/tiny', { cacheDir });
  assert.deepEqual(resolved, { dir: path.join(repo, 'snapshots', commit), name: 'sentence-transformers/tiny', revision: commit });
  assert.deepEqual(await vectors(resolved.dir), await vectors(src('tiny-embed')));
  assert.equal(hub.requests.length, 0);
});

test('Transformers.js dtype files: q8 fetches only onnx/model_quantized.onnx, fp16 decodes half-precision outputs', async () => {
  const cacheDir = await freshCache();
  const q8 = await resolveModel('Xenova/tiny', { cacheDir, dtype: 'q8' });
  assert.ok(!hub.requests.some((r) => r.path.endsWith('/onnx/model.onnx')), 'the fp32 file is not downloaded');
  assert.deepEqual(await vectors(q8.dir, { dtype: 'q8' }), await vectors(src('xenova'), { dtype: 'q8' }));
  assert.deepEqual(await vectors(src('xenova'), { dtype: 'q8' }), await vectors(src('q8-only'), { dtype: 'q8' }), 'q8 is model_quantized.onnx');

  const fp16 = await resolveModel('Xenova/tiny', { cacheDir, dtype: 'fp16' });
  const half = await vectors(fp16.dir, { dtype: 'fp16' });
  const full = await vectors(src('xenova'));
  let worst = 0;
  for (let i = 0; i < full.length; i++) worst = Math.max(worst, Math.abs(half[i] - full[i]));
  assert.ok(worst > 0 && worst < 2e-3, `fp16 within half precision of fp32: ${worst}`);

  await assert.rejects(resolveModel('acme/q8-only', { cacheDir }), /no ONNX weights for dtype fp32/);
  await assert.rejects(openOnnxFolder(src('q8-only')), /no ONNX model for dtype fp32 .*The folder has dtype q8: pass --dtype q8/);
});

test('a Model2Vec repo and a sentence-transformers static repo are fetched in their own layouts and embed as the local folders', async () => {
  for (const [id, name] of [['minishlab/potion-tiny', 'potion'], ['acme/static-st', 'static-st']]) {
    const cacheDir = await freshCache();
    const resolved = await resolveModel(id, { cacheDir });
    assert.equal(resolved.revision, commits[id].main);
    const layout = (await staticLayout(resolved.dir))!;
    const local = (await staticLayout(src(name)))!;
    assert.equal(layout.kind, local.kind);
    const a = await openStaticFolder(resolved.dir, layout, { name: id, revision: resolved.revision });
    const b = await openStaticFolder(src(name), local);
    try {
      assert.equal(a.model, id);
      const texts = ['hello world', 'my card is lost', 'zzz'];
      assert.deepEqual(await a.embed(texts), await b.embed(texts));
    } finally {
      await a.close();
      await b.close();
    }
  }
});

test('a gated repo needs HF_TOKEN and says so; a renamed repo is followed through its relative redirect', async () => {
  await assert.rejects(resolveModel('acme/gated', { cacheDir: await freshCache() }), /acme\/gated is gated .*set HF_TOKEN/);
  process.env.HF_TOKEN = 'hf_good';
  assert.equal((await resolveModel('acme/gated', { cacheDir: await freshCache() })).revision, commits['acme/gated'].main);
  delete process.env.HF_TOKEN;
  const renamed = await resolveModel('acme/old-name', { cacheDir: await freshCache() });
  assert.equal(renamed.revision, commits['acme/tiny-embed'].main);
  await assert.rejects(resolveModel('acme/nothing-here', { cacheDir: await freshCache() }), /HTTP 401.*set HF_TOKEN/);
});

test('failing files: a 404 for a required file, HTTP 500, and a repo without ONNX weights name the way out', async () => {
  const cacheDir = await freshCache();
  hub.failing.set('acme/tiny-embed/tokenizer.json', 404);
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), (err: Error) =>
    err.message.includes(`${hub.url}/acme/tiny-embed/resolve/${commits['acme/tiny-embed'].main}/tokenizer.json was not found`),
  );
  hub.failing.set('acme/tiny-embed/tokenizer.json', 500);
  await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), /tokenizer\.json answered HTTP 500/);
  await assert.rejects(resolveModel('acme/no-onnx', { cacheDir }), (err: Error) =>
    /acme\/no-onnx has no ONNX weights .*\n.*--embedding-model static.*optimum-cli export onnx --model acme\/no-onnx DIR.*--embedding-endpoint/s.test(err.message),
  );
});

test('a transfer cut short or corrupted never becomes a blob; the next call fetches it again', async () => {
  const cacheDir = await freshCache();
  const blobs = path.join(cacheDir, 'models--acme--tiny-embed', 'blobs');
  for (const damage of [hub.interruptOnce, hub.corruptOnce]) {
    damage.add('acme/tiny-embed/onnx/model.onnx');
    await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir }), damage === hub.corruptOnce ? /sha256 [0-9a-f]+ does not match/ : /onnx\/model\.onnx was interrupted after \d+ bytes/);
    const onnxBlob = sha256(await readFile(path.join(src('tiny-embed'), 'onnx/model.onnx')));
    assert.ok(!(await readdir(blobs)).some((f) => f.startsWith(onnxBlob)), 'no blob and no partial file is left');
  }
  const resolved = await resolveModel('acme/tiny-embed', { cacheDir });
  assert.deepEqual(await readFile(path.join(resolved.dir, 'onnx/model.onnx')), await readFile(path.join(src('tiny-embed'), 'onnx/model.onnx')));
});

test('an unreachable hub falls back to the cache, else names the ways out; a name that is neither folder nor id is refused', async () => {
  const cacheDir = await freshCache();
  const online = await resolveModel('acme/tiny-embed', { cacheDir });
  const closed = http.createServer();
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((done) => closed.close(done));
  process.env.HF_ENDPOINT = `http://127.0.0.1:${port}`;
  try {
    assert.deepEqual(await resolveModel('acme/tiny-embed', { cacheDir }), online);
    await assert.rejects(resolveModel('acme/tiny-embed', { cacheDir: await freshCache() }), (err: Error) =>
      err.message.includes(`could not reach http://127.0.0.1:${port}`) && /HF_ENDPOINT.*local folder.*--embedding-model static/s.test(err.message),
    );
  } finally {
    process.env.HF_ENDPOINT = hub.url;
  }
  await assert.rejects(resolveModel(path.join(root, 'missing', 'folder', 'x'), { cacheDir }), /neither an existing folder nor a Hugging Face hub id/);
});

test('resolveTokenizer fetches a repo\'s tokenizer.json (and tokenizer_config.json) alone into the cache, never its weights; offline it reads the cache', async () => {
  const cacheDir = await freshCache();
  const tok = await resolveTokenizer('acme/tiny-embed', { cacheDir });
  assert.equal(tok.revision, commits['acme/tiny-embed'].main);
  assert.deepEqual(JSON.parse(await readFile(path.join(tok.dir, 'tokenizer.json'), 'utf8')), JSON.parse(await readFile(path.join(src('tiny-embed'), 'tokenizer.json'), 'utf8')));
  const fetched = hub.requests.filter((r) => r.server === 'hub').map((r) => r.path.split('/resolve/')[1]?.replace(/^[^/]+\//, ''));
  assert.ok(fetched.every((f) => f === 'tokenizer.json' || f === 'tokenizer_config.json'), fetched.join(', '));
  process.env.HF_HUB_OFFLINE = '1';
  hub.requests.length = 0;
  assert.deepEqual(await resolveTokenizer('acme/tiny-embed', { cacheDir }), tok);
  assert.equal(hub.requests.length, 0);
  assert.deepEqual(await resolveTokenizer(src('tiny-embed')), { dir: src('tiny-embed'), name: 'tiny-embed' });
  await assert.rejects(resolveTokenizer('not a hub id'), /tokenizer not a hub id is neither an existing folder nor a Hugging Face hub id/);
});
