/**
 * `semclust embed hf://datasets/…`: a generated dataset (State of the Union passages in two
 * Parquet files of its Parquet conversion) served by the 127.0.0.1 stand-in hub, read through
 * the hub cache; the manifest records the snapshot files of the resolved commit; a second run
 * downloads nothing; HF_HUB_OFFLINE=1 reads the cache with no request at all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FILES, ROWS } from '../../schemas/tables.js';
import { sotuSample } from '../support/corpus.js';
import { runCli } from '../support/cli.js';
import { LocalHub } from '../support/local-hub.js';
import { tempDir } from '../support/paths.js';
import { parts, sql } from '../support/sql.js';

const N = 120;
const INPUT = 'hf://datasets/acme/sotu/train';
let hub: LocalHub;
let commit: string;
const root = tempDir('hub-cli');
const env = { HF_ENDPOINT: '', HF_HUB_CACHE: path.join(root, 'hub-cache') };

before(async () => {
  const src = path.join(root, 'conversion', 'default', 'train');
  fs.mkdirSync(src, { recursive: true });
  const jsonl = path.join(root, 'sotu.jsonl');
  fs.writeFileSync(jsonl, sotuSample(N).map((p, i) => JSON.stringify({ i, text: p.text, president: p.president })).join('\n') + '\n');
  await sql(`COPY (SELECT * FROM read_json('${jsonl}') WHERE i < ${N / 2} ORDER BY i) TO '${path.join(src, '0000.parquet')}' (FORMAT parquet)`);
  await sql(`COPY (SELECT * FROM read_json('${jsonl}') WHERE i >= ${N / 2} ORDER BY i) TO '${path.join(src, '0001.parquet')}' (FORMAT parquet)`);
  hub = await LocalHub.start();
  ({ 'refs/convert/parquet': commit } = await hub.addRepo('acme/sotu', { 'refs/convert/parquet': path.join(root, 'conversion') }, { type: 'dataset' }));
  env.HF_ENDPOINT = hub.url;
  Object.assign(process.env, env);
});

after(async () => {
  for (const key of Object.keys(env)) delete process.env[key];
  await hub.close();
});

async function embed(out: string): Promise<{ downloads: number; requests: number }> {
  const from = hub.requests.length;
  const r = await runCli(['embed', INPUT, out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const requests = hub.requests.slice(from);
  return { downloads: requests.filter((q) => q.server === 'cdn' || q.path.includes('/resolve/')).length, requests: requests.length };
}

test('embed reads a hub dataset split, records its commit, downloads it once and reads it offline', { timeout: 120_000 }, async () => {
  const out = path.join(root, 'out');
  assert.equal((await embed(out)).downloads, 4, 'two files: resolve + CDN each');
  const [[rows, texts]] = await sql<[number, number]>(`SELECT count(*)::INT, count(DISTINCT text)::INT FROM ${parts(out, ROWS)}`);
  assert.equal(rows, N);
  assert.ok(texts > N / 2);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, FILES.manifest), 'utf8'));
  const inputs = (manifest.stages.embed.stats.inputs as { path: string }[]).map((i) => i.path.split(path.sep).slice(-6).join('/'));
  assert.deepEqual(inputs, [0, 1].map((n) => `datasets--acme--sotu/snapshots/${commit}/default/train/000${n}.parquet`));

  // A second run: the split is listed again (the branch may have moved), nothing downloaded, nothing redone.
  assert.equal((await embed(out)).downloads, 0);
  // Offline, into a new folder: the same rows from the cache, no request at all.
  process.env.HF_HUB_OFFLINE = '1';
  try {
    const offline = path.join(root, 'offline');
    assert.deepEqual(await embed(offline), { downloads: 0, requests: 0 });
    const [[same]] = await sql<[number]>(`SELECT count(*)::INT FROM ${parts(out, ROWS)} a JOIN ${parts(offline, ROWS)} b USING (id, line)`);
    assert.equal(same, N);
  } finally {
    delete process.env.HF_HUB_OFFLINE;
  }
});
