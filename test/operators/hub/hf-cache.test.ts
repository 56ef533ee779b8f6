import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMMIT_ID, RepoCache, hubCacheDir, hubOffline } from '../../../operators/hub/hf-cache.js';
import { tempDir } from '../../support/paths.js';

const COMMIT = 'a'.repeat(40);

test('HF_HUB_OFFLINE is on for 1, ON, YES, TRUE in any case, off otherwise; the older HUGGINGFACE_HUB_CACHE is honoured', () => {
  for (const v of ['1', 'on', 'Yes', 'TRUE']) assert.equal(hubOffline({ HF_HUB_OFFLINE: v }), true, v);
  for (const v of ['0', 'false', '', 'offline']) assert.equal(hubOffline({ HF_HUB_OFFLINE: v }), false, v);
  assert.equal(hubOffline({}), false);
  assert.equal(hubCacheDir({ HUGGINGFACE_HUB_CACHE: '/old', HF_HOME: '/home' }), '/old');
});

test('the repo folder, refs, snapshots and blobs follow huggingface_hub\'s names', () => {
  const cache = new RepoCache('/c', 'sentence-transformers/all-MiniLM-L6-v2');
  assert.equal(cache.root, '/c/models--sentence-transformers--all-MiniLM-L6-v2');
  assert.equal(cache.refFile('refs/pr/3'), '/c/models--sentence-transformers--all-MiniLM-L6-v2/refs/refs/pr/3');
  assert.equal(cache.snapshotFile(COMMIT, 'onnx/model.onnx'), `/c/models--sentence-transformers--all-MiniLM-L6-v2/snapshots/${COMMIT}/onnx/model.onnx`);
  assert.equal(cache.blobFile('e1'), '/c/models--sentence-transformers--all-MiniLM-L6-v2/blobs/e1');
  assert.ok(COMMIT_ID.test(COMMIT) && !COMMIT_ID.test('main') && !COMMIT_ID.test(COMMIT.toUpperCase()));
});

test('a revision resolves through refs/ (a commit id resolves to itself, is never written as a ref); a damaged ref is unknown', async () => {
  const cache = new RepoCache(tempDir('hf'), 'acme/tiny');
  assert.equal(await cache.commitOf('main'), null);
  await cache.writeRef('main', COMMIT);
  assert.equal(fs.readFileSync(cache.refFile('main'), 'utf8'), COMMIT, 'written as huggingface_hub writes it, no newline');
  assert.equal(await cache.commitOf('main'), COMMIT);
  assert.equal(await cache.commitOf(COMMIT), COMMIT);
  await cache.writeRef(COMMIT, COMMIT);
  assert.equal(fs.existsSync(cache.refFile(COMMIT)), false);
  fs.writeFileSync(cache.refFile('v1'), 'not-a-commit\n');
  assert.equal(await cache.commitOf('v1'), null);
  fs.writeFileSync(cache.refFile('v2'), `${COMMIT}\n`);
  assert.equal(await cache.commitOf('v2'), COMMIT, 'a trailing newline (a ref written by hand) is fine');
});

test('a file is present through a relative link to its blob, absent when marked, unknown otherwise, and unknown again when the blob is gone', async () => {
  const dir = tempDir('hf');
  const cache = new RepoCache(dir, 'acme/tiny');
  const file = 'onnx/model.onnx';
  assert.equal(await cache.state(COMMIT, file), 'unknown');
  await cache.markAbsent(COMMIT, 'model.safetensors');
  assert.equal(await cache.state(COMMIT, 'model.safetensors'), 'absent');
  assert.equal(await cache.hasBlob('etag1'), false);
  const temp = await cache.tempBlob('etag1');
  assert.notEqual(temp, await cache.tempBlob('etag1'), 'each download gets its own temp name');
  fs.writeFileSync(temp, 'weights');
  fs.renameSync(temp, cache.blobFile('etag1'));
  assert.equal(await cache.hasBlob('etag1'), true);
  const dest = await cache.link(COMMIT, file, 'etag1');
  assert.equal(fs.readlinkSync(dest), path.join('..', '..', '..', 'blobs', 'etag1'));
  assert.equal(fs.readFileSync(dest, 'utf8'), 'weights');
  assert.equal(await cache.state(COMMIT, file), 'present');
  // Linking again (a newer blob) replaces the link.
  fs.writeFileSync(cache.blobFile('etag2'), 'newer');
  await cache.link(COMMIT, file, 'etag2');
  assert.equal(fs.readFileSync(dest, 'utf8'), 'newer');
  fs.rmSync(cache.blobFile('etag2'));
  assert.equal(await cache.state(COMMIT, file), 'unknown');
});
