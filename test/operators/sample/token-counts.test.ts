import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { loadTokenCounts, loadTokenizer } from '../../../operators/sample/token-counts.js';
import { writeEmbeddingsPart, writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { wordPieceTokenizer } from '../../support/tiny-transformer.js';
import { tempDir } from '../../support/paths.js';
import { LocalHub } from '../../support/local-hub.js';

const TEXTS = ['hello world', '  my card   is lost ', 'paying twice!', 'héllo wörld', 'x'];

function run() {
  const out = tempDir('token-counts');
  const ids = TEXTS.map((_, i) => `id${i}`);
  writeRowsPart(out, 0, [...TEXTS.map((text, i) => ({ id: ids[i], text, line: i + 1 })), { id: 'id0', text: TEXTS[0], line: 9 }]);
  writeEmbeddingsPart(out, 0, ids, new Float32Array(ids.length * 2), 2);
  writeLabelsPart(out, 0, ids, [0, 0, 1, 1, -1]);
  return out;
}

const counts = (out: string, counter: string) =>
  withRunDatabase(out, async (conn) => {
    await loadTokenCounts(conn, counter);
    return Object.fromEntries((await conn.runAndReadAll('SELECT id, tokens FROM token_counts ORDER BY id')).getRowsJS().map(([id, t]) => [id, Number(t)]));
  });

test('loadTokenCounts: words are runs of non-space characters, chars are code points, one count per id', async () => {
  const out = run();
  assert.deepEqual(await counts(out, 'words'), { id0: 2, id1: 4, id2: 2, id3: 2, id4: 1 });
  assert.deepEqual(await counts(out, 'chars'), { id0: 11, id1: 20, id2: 13, id3: 11, id4: 1 });
});

test('loadTokenCounts tokenizer:PATH counts a tokenizer.json\'s ids without special tokens, from the file or its folder', async () => {
  const out = run();
  const dir = tempDir('tokenizer');
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer().json));
  // WordPiece over hello, world, my, card, is, lost, pay, ##ing, twice, !, [UNK]: "paying" is pay + ##ing,
  // "héllo" and "wörld" are one [UNK] each (no accent stripping), "x" one [UNK].
  const want = { id0: 2, id1: 4, id2: 4, id3: 2, id4: 1 };
  assert.deepEqual(await counts(out, `tokenizer:${dir}`), want);
  assert.deepEqual(await counts(out, `tokenizer:${path.join(dir, 'tokenizer.json')}`), want);
  await assert.rejects(loadTokenizer(`tokenizer:${path.join(dir, 'none')}`), /none does not exist; give the tokenizer.json of the model whose tokens you count, its folder, or its hub id/);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"model": 3}');
  await assert.rejects(loadTokenizer(`tokenizer:${path.join(dir, 'bad.json')}`), /bad.json could not be loaded as a tokenizer.json/);
});

test('tokenizer:OWNER/NAME fetches the repo\'s tokenizer.json and tokenizer_config.json alone into the hub cache and counts as the folder does; offline it reads the cache', async () => {
  const out = run();
  const repo = tempDir('tokenizer-repo');
  fs.writeFileSync(path.join(repo, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer().json));
  fs.writeFileSync(path.join(repo, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'BertTokenizer' }));
  // Weights the counter must never fetch (an LFS file, answered through the CDN).
  fs.mkdirSync(path.join(repo, 'onnx'));
  fs.writeFileSync(path.join(repo, 'onnx', 'model.onnx'), Buffer.alloc(1 << 16));
  const hub = await LocalHub.start();
  const env = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HUB_CACHE: process.env.HF_HUB_CACHE, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE };
  try {
    const commits = await hub.addRepo('acme/counter', { main: repo });
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = tempDir('hub-cache');
    delete process.env.HF_HUB_OFFLINE;
    assert.deepEqual(await counts(out, 'tokenizer:acme/counter'), await counts(out, `tokenizer:${repo}`));
    assert.deepEqual(await counts(out, 'tokenizer:acme/counter'), { id0: 2, id1: 4, id2: 4, id3: 2, id4: 1 });
    const fetched = hub.requests.map((r) => `${r.server} ${r.path}`);
    assert.ok(fetched.length > 0 && fetched.every((f) => /^hub \/acme\/counter\/resolve\/[^/]+\/tokenizer(_config)?\.json$/.test(f)), fetched.join(', '));
    const snapshot = path.join(process.env.HF_HUB_CACHE, 'models--acme--counter', 'snapshots', commits.main);
    assert.deepEqual(fs.readdirSync(snapshot).sort(), ['tokenizer.json', 'tokenizer_config.json']);
    // HF_HUB_OFFLINE: the cache alone, no request.
    hub.requests.length = 0;
    process.env.HF_HUB_OFFLINE = '1';
    assert.deepEqual(await counts(out, 'tokenizer:acme/counter'), { id0: 2, id1: 4, id2: 4, id3: 2, id4: 1 });
    assert.equal(hub.requests.length, 0);
    await assert.rejects(loadTokenizer('tokenizer:acme/uncached'), /^Error: --token-counter tokenizer:acme\/uncached: .*acme\/uncached/);
    delete process.env.HF_HUB_OFFLINE;
    await assert.rejects(loadTokenizer('tokenizer:acme/missing'), /^Error: --token-counter tokenizer:acme\/missing: .*acme\/missing/);
  } finally {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await hub.close();
  }
});
