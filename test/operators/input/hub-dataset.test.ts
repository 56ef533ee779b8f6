import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fetchHubDataset, listedFile, parseHubDataset } from '../../../operators/input/hub-dataset.js';
import { resolveInputs } from '../../../operators/input/read-lines.js';
import { LocalHub } from '../../support/local-hub.js';
import { tempDir } from '../../support/paths.js';
import { sql } from '../../support/sql.js';

let hub: LocalHub;
let root: string;
let commit: string;
const TOKEN = 'hf_dataset_secret';

/** A dataset's Parquet conversion: default/train in two files, default/test, and a second config. */
async function writeConversion(dir: string, trainRows: number): Promise<void> {
  const parquet = async (file: string, from: number, to: number, topic: string) => {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await sql(`COPY (SELECT i AS label, '${topic} question ' || i AS text FROM range(${from}, ${to}) t(i) ORDER BY i) TO '${path.join(dir, file)}' (FORMAT parquet)`);
  };
  await parquet('default/train/0000.parquet', 0, trainRows >> 1, 'card');
  await parquet('default/train/0001.parquet', trainRows >> 1, trainRows, 'card');
  await parquet('default/test/0000.parquet', 0, 5, 'test');
  await parquet('chat/train/0000.parquet', 0, 3, 'chat');
}

before(async () => {
  root = tempDir('hub-dataset');
  await writeConversion(path.join(root, 'v1'), 20);
  await writeConversion(path.join(root, 'v2'), 30);
  hub = await LocalHub.start();
  ({ 'refs/convert/parquet': commit } = await hub.addRepo('acme/questions', { 'refs/convert/parquet': path.join(root, 'v1') }, { type: 'dataset' }));
  await hub.addRepo('acme/private', { 'refs/convert/parquet': path.join(root, 'v1') }, { type: 'dataset', token: TOKEN });
  process.env.HF_ENDPOINT = hub.url;
});

after(async () => {
  delete process.env.HF_ENDPOINT;
  delete process.env.HF_TOKEN;
  await hub.close();
  await rm(root, { recursive: true, force: true });
});

/** A port nothing listens on: one the system gave and took back. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

const requestsDuring = async <T>(fn: () => Promise<T>) => {
  const from = hub.requests.length;
  const value = await fn();
  return { value, requests: hub.requests.slice(from) };
};

test('hf://datasets/OWNER/NAME[@REVISION]/[CONFIG/]SPLIT: the parts, their defaults, and what is refused', () => {
  assert.deepEqual(parseHubDataset('hf://datasets/acme/questions/train'), { id: 'acme/questions', revision: 'refs/convert/parquet', config: 'default', split: 'train' });
  assert.deepEqual(parseHubDataset('hf://datasets/acme/q.v2@refs/convert/parquet/chat/test'), { id: 'acme/q.v2', revision: 'refs/convert/parquet', config: 'chat', split: 'test' });
  assert.deepEqual(parseHubDataset(`hf://datasets/acme/questions@${'a'.repeat(40)}/train`).revision, 'a'.repeat(40));
  assert.deepEqual(parseHubDataset('hf://datasets/acme/questions@refs%2Fpr%2F3/train').revision, 'refs/pr/3');
  for (const bad of ['hf://datasets/acme/train', 'hf://datasets/acme/questions/a/b/c', 'hf://datasets/acme/questions@/train', 'hf://models/acme/x/train']) {
    assert.throws(() => parseHubDataset(bad), /is not a Hugging Face dataset split: write hf:\/\/datasets\/OWNER\/NAME\[@REVISION\]\/\[CONFIG\/\]SPLIT/, bad);
  }
  for (const bad of ['hf://datasets/acme/questions/..', 'hf://datasets/acme/questions/../train', 'hf://datasets/acme/questions/./train']) {
    assert.throws(() => parseHubDataset(bad), /a config or split cannot be "\." or "\.\."/, bad);
  }
});

test('a listed file must lie inside the split\'s folder: a hostile listing cannot write outside the cache', () => {
  assert.equal(listedFile('in', 'default/train', 'default/train/0000.parquet'), 'default/train/0000.parquet');
  for (const bad of ['default/train/../../../x.parquet', 'other/train/0000.parquet', 'default/train//x.parquet', '/etc/x.parquet', 'default/train/./x.parquet']) {
    assert.throws(() => listedFile('hf://datasets/acme/q/train', 'default/train', bad), /the hub listed .* which is not a file of that folder; check HF_ENDPOINT/, bad);
  }
});

test('a split is listed through the API, downloaded into the hub cache and read as local Parquet; a second time nothing is downloaded', async () => {
  const cacheDir = tempDir('hf-cache');
  hub.treePageSize = 1; // two pages for two files: the Link header is followed
  const first = await requestsDuring(() => fetchHubDataset('hf://datasets/acme/questions/train', { cacheDir }));
  hub.treePageSize = 1000;
  assert.equal(first.value.commit, commit);
  const snapshot = path.join(cacheDir, 'datasets--acme--questions', 'snapshots', commit, 'default', 'train');
  assert.deepEqual(first.value.files, [path.join(snapshot, '0000.parquet'), path.join(snapshot, '0001.parquet')]);
  assert.ok((await lstat(first.value.files[0])).isSymbolicLink(), 'snapshots link to blobs, as huggingface_hub lays them out');
  assert.equal((await readFile(path.join(cacheDir, 'datasets--acme--questions', 'refs', 'refs', 'convert', 'parquet'), 'utf8')).trim(), commit);
  const [[rows, cards]] = await sql<[number, number]>(`SELECT count(*)::INT, count(*) FILTER (text LIKE 'card question %')::INT FROM read_parquet([${first.value.files.map((f) => `'${f}'`).join(', ')}])`);
  assert.deepEqual([rows, cards], [20, 20]);
  // The hub's real URL layout: the API by %2F-encoded revision, then the tree at the commit (path %2F-encoded too, as
  // huggingface_hub's list_repo_tree sends it), then resolve + CDN per file.
  const paths = first.requests.map((r) => `${r.server} ${r.path.replace(/\?.*$/, '')}`);
  assert.deepEqual(paths.slice(0, 3), [
    'hub /api/datasets/acme/questions/revision/refs%2Fconvert%2Fparquet',
    `hub /api/datasets/acme/questions/tree/${commit}/default%2Ftrain`,
    `hub /api/datasets/acme/questions/tree/${commit}/default%2Ftrain`,
  ]);
  assert.deepEqual(paths.slice(3).filter((p) => p.startsWith('hub')), [
    `hub /datasets/acme/questions/resolve/${commit}/default/train/0000.parquet`,
    `hub /datasets/acme/questions/resolve/${commit}/default/train/0001.parquet`,
  ]);
  assert.equal(paths.filter((p) => p.startsWith('cdn')).length, 2);

  // resolveInputs, as embed calls it: the cache from HF_HUB_CACHE.
  process.env.HF_HUB_CACHE = cacheDir;
  const second = await requestsDuring(() => resolveInputs(['hf://datasets/acme/questions/train'])).finally(() => delete process.env.HF_HUB_CACHE);
  assert.deepEqual(second.value, first.value.files);
  assert.deepEqual(second.requests.map((r) => r.path.replace(/\/[0-9a-f]{40}\//, '/COMMIT/')), ['/api/datasets/acme/questions/revision/refs%2Fconvert%2Fparquet', '/api/datasets/acme/questions/tree/COMMIT/default%2Ftrain'], 'no download');

  // HF_HUB_OFFLINE: the same files from the cache, no request at all.
  const offline = await requestsDuring(() => fetchHubDataset('hf://datasets/acme/questions/train', { cacheDir, offline: true }));
  assert.deepEqual([offline.value.files, offline.value.commit, offline.requests.length], [first.value.files, commit, 0]);
  // The hub out of reach: the cache serves, as huggingface_hub falls back on it.
  process.env.HF_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
  try {
    assert.deepEqual((await fetchHubDataset('hf://datasets/acme/questions/train', { cacheDir })).files, first.value.files);
    await assert.rejects(fetchHubDataset('hf://datasets/acme/questions/train', { cacheDir: tempDir('hf-empty') }), /http:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\) and hf:\/\/datasets\/acme\/questions\/train was never downloaded/);
  } finally {
    process.env.HF_ENDPOINT = hub.url;
  }
  await assert.rejects(fetchHubDataset('hf://datasets/acme/questions/test', { cacheDir, offline: true }), /HF_HUB_OFFLINE is set and the cache holds no Parquet file of hf:\/\/datasets\/acme\/questions\/test .*run once with the network/);
  await assert.rejects(fetchHubDataset('hf://datasets/acme/questions/train', { cacheDir: tempDir('hf-empty'), offline: true }), /HF_HUB_OFFLINE is set and hf:\/\/datasets\/acme\/questions\/train was never downloaded into .*refs\/refs\/convert\/parquet/);
});

test('the branch moves: the new commit is read and recorded; a pinned commit keeps the old data', async () => {
  const cacheDir = tempDir('hf-cache');
  const before = await fetchHubDataset('hf://datasets/acme/questions/train', { cacheDir });
  const { 'refs/convert/parquet': moved } = await hub.addRepo('acme/questions', { 'refs/convert/parquet': path.join(root, 'v2') }, { type: 'dataset' });
  try {
    const after = await fetchHubDataset('hf://datasets/acme/questions/train', { cacheDir });
    assert.notEqual(moved, commit);
    assert.equal(after.commit, moved);
    const [[rows]] = await sql<[number]>(`SELECT count(*)::INT FROM read_parquet([${after.files.map((f) => `'${f}'`).join(', ')}])`);
    assert.equal(rows, 30);
    const pinned = await fetchHubDataset(`hf://datasets/acme/questions@${commit}/train`, { cacheDir });
    assert.deepEqual(pinned.files, before.files);
  } finally {
    await hub.addRepo('acme/questions', { 'refs/convert/parquet': path.join(root, 'v1') }, { type: 'dataset' });
  }
});

test('a missing split or config names the ones there are; a private dataset needs HF_TOKEN, sent to the hub only and never printed', async () => {
  const cacheDir = tempDir('hf-cache');
  await assert.rejects(fetchHubDataset('hf://datasets/acme/questions/validation', { cacheDir }), /acme\/questions has no split validation in config default; its splits: test, train/);
  await assert.rejects(fetchHubDataset('hf://datasets/acme/questions/en/train', { cacheDir }), /has no config en; its configs: chat, default \(write hf:\/\/datasets\/acme\/questions\/CONFIG\/train\)/);
  await assert.rejects(fetchHubDataset('hf://datasets/acme/nothing/train', { cacheDir }), /hub dataset acme\/nothing does not exist or refused access \(HTTP 401/);
  await assert.rejects(fetchHubDataset('hf://datasets/acme/questions@v9/train', { cacheDir }), /acme\/questions has no revision v9/);
  await assert.rejects(fetchHubDataset('hf://datasets/acme/private/train', { cacheDir }), (e: Error) => /acme\/private is gated .*set HF_TOKEN/.test(e.message));
  process.env.HF_TOKEN = 'hf_wrong_token';
  await assert.rejects(fetchHubDataset('hf://datasets/acme/private/train', { cacheDir }), (e: Error) => /set HF_TOKEN/.test(e.message) && !e.message.includes('hf_wrong_token'));
  process.env.HF_TOKEN = TOKEN;
  try {
    const { value, requests } = await requestsDuring(() => fetchHubDataset('hf://datasets/acme/private/chat/train', { cacheDir }));
    assert.equal(value.files.length, 1);
    assert.ok(requests.filter((r) => r.server === 'hub').every((r) => r.authorization === `Bearer ${TOKEN}`));
    assert.ok(requests.filter((r) => r.server === 'cdn').every((r) => r.authorization === undefined), 'the token never goes to the CDN');
  } finally {
    delete process.env.HF_TOKEN;
  }
});
