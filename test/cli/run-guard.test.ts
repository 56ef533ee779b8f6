/**
 * What guards an output folder (issue 8): one writer at a time, stale locks taken over,
 * no run over a folder that is not a semclust run, settings and model checked before old
 * outputs are removed, signals that say what a rerun does, leftovers of killed writes
 * removed; and the small facts of extraction (arrays, inherited keys, part sizes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PROGRESS_DIR } from '../../schemas/manifest.js';
import { openEmbedder } from '../../operators/embedders/open-embedder.js';
import { startEmbeddingServer } from '../../operators/http/embedding-server.js';
import { runCli, startCli } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir('guard');
const small = sotuJsonl(400);
const big = path.join(dir, 'big.jsonl');
// Eight copies of the corpus sample: long enough to be caught running.
fs.writeFileSync(big, fs.readFileSync(sotuJsonl(20000), 'utf8').repeat(8));

async function whenParts(out: string, n: number, done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.then(() => (finished = true));
  const ledger = path.join(out, PROGRESS_DIR, 'embed');
  while (!finished && !(fs.existsSync(ledger) && fs.readdirSync(ledger).length >= n)) await new Promise((r) => setTimeout(r, 5));
  assert.equal(finished, false, 'the first run ended before the check');
}

test('a second run on a busy OUTDIR refuses and names the holder; a dead holder is taken over', async () => {
  const out = path.join(dir, 'locked');
  const first = startCli(['embed', big, out, '--part-rows', '2000', '--quiet']);
  await whenParts(out, 1, first.done);
  const second = await runCli(['embed', small, out, '--quiet']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`is in use by \`semclust embed ${out.replace(/[/.]/g, '\\$&')}\` \\(pid ${first.child.pid}, since `));
  first.child.kill('SIGKILL');
  await first.done;
  const third = await runCli(['embed', big, out, '--part-rows', '2000', '--quiet']);
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stderr, new RegExp(`run\\.lock: left by pid ${first.child.pid}, which is no longer running; taking it over`));
  assert.equal(fs.existsSync(path.join(out, 'run.lock')), false, 'released at the end');
});

test('SIGTERM says what was interrupted and what a rerun does, frees OUTDIR, and the rerun continues', async () => {
  const out = path.join(dir, 'signal');
  const run = startCli(['embed', big, out, '--part-rows', '2000', '--quiet']);
  await whenParts(out, 2, run.done);
  run.child.kill('SIGTERM');
  const r = await run.done;
  assert.equal(r.signal, 'SIGTERM', 'it dies by the signal, as a shell expects (exit status 143)');
  assert.match(r.stderr, /semclust: SIGTERM: embed interrupted with \d+ parts durable; rerun the same command to continue after them/);
  assert.equal(fs.existsSync(path.join(out, 'run.lock')), false);
  const rerun = await runCli(['embed', big, out, '--part-rows', '2000', '--quiet']);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /embed: keeping \d+ finished parts/);
});

test('a folder that is not a semclust run is never written into', async () => {
  const out = path.join(dir, 'not-a-run');
  fs.mkdirSync(path.join(out, 'model'), { recursive: true });
  fs.writeFileSync(path.join(out, 'sample.jsonl'), '{"keep":"me"}\n');
  const r = await runCli(['embed', small, out, '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not-a-run is not empty \(model, sample\.jsonl\) and holds no semclust run \(no manifest\.json\); .*choose a new or empty folder/);
  assert.equal(fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8'), '{"keep":"me"}\n');
  assert.ok(fs.existsSync(path.join(out, 'model')));
});

test('a bad key path or an endpoint that refuses fails before the complete outputs are removed', async () => {
  const out = path.join(dir, 'validated');
  assert.equal((await runCli(['embed', small, out, '--quiet'])).code, 0);
  const before = fs.readdirSync(path.join(out, 'rows'));
  const manifest = fs.readFileSync(path.join(out, 'manifest.json'), 'utf8');

  const badKey = await runCli(['embed', small, out, '--text-key', 'a..b', '--quiet']);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /--text-key: invalid key path "a\.\.b"/);

  // A server that answers every request 401: the embedder's probe fails while opening it.
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"bad key"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    const refused = await runCli(['embed', small, out, '--embedding-endpoint', `http://127.0.0.1:${port}/v1`, '--embedding-model', 'm', '--quiet']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /401/);
  } finally {
    server.close();
  }
  assert.deepEqual(fs.readdirSync(path.join(out, 'rows')), before);
  assert.equal(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'), manifest);
});

test('partial files of a killed write are removed by the next run, which says so', async () => {
  const out = path.join(dir, 'temps');
  assert.equal((await runCli(['embed', small, out, '--quiet'])).code, 0);
  fs.writeFileSync(path.join(out, 'manifest.json.2147483646.tmp'), '{"cut');
  fs.writeFileSync(path.join(out, 'rows', 'part-00009.parquet.2147483646.tmp'), 'PAR');
  const r = await runCli(['embed', small, out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /removed 2 partial files left by an interrupted write/);
  assert.deepEqual(
    fs.readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.tmp')),
    [],
  );
});

test('rejects name arrays as arrays, inherited keys as missing, and parts hold --part-rows rows', async () => {
  const file = path.join(dir, 'shapes.jsonl');
  const lines = [JSON.stringify({ text: ['a', 'list'] }), JSON.stringify({ other: 'x' })];
  for (let i = 0; i < 2500; i++) lines.push(JSON.stringify({ text: `passage number ${i} about the union` }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const out = path.join(dir, 'shapes');
  const r = await runCli(['embed', file, out, '--part-rows', '1000', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const rejects = fs.readFileSync(path.join(out, 'rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rejects[0].detail, '"text" is an array');
  // Parts cover 1,000 input lines each: 998 rows and the 2 rejects, then 1,000 and 502.
  const { sizes } = JSON.parse((await runCli(['query', out, "SELECT list(n ORDER BY f) AS sizes FROM (SELECT filename AS f, count(*) AS n FROM read_parquet('" + out + "/rows/*.parquet', filename = true) GROUP BY 1)", '--format', 'json'])).stdout.trim());
  assert.deepEqual(sizes.map(Number), [998, 1000, 502]);

  const ctor = await runCli(['embed', file, path.join(dir, 'ctor'), '--text-key', 'constructor', '--max-reject-rate', '1', '--quiet']);
  assert.equal(ctor.code, 0, ctor.stderr);
  const first = JSON.parse(fs.readFileSync(path.join(dir, 'ctor', 'rejects.jsonl'), 'utf8').split('\n')[0]);
  assert.equal(first.reason, 'missing_key');
});

test('an endpoint is recorded without its credentials, and asked for again when a stage must rerun', async () => {
  const local = await openEmbedder({ embedding_model: 'static' } as Parameters<typeof openEmbedder>[0]);
  const server = await startEmbeddingServer(local, { host: '127.0.0.1', port: 0 });
  const out = path.join(dir, 'secret');
  const endpoint = `${server.url}?api-key=s3cr3t-value`;
  try {
    const r = await runCli(['embed', small, out, '--embedding-endpoint', endpoint, '--embedding-model', local.model, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'), /s3cr3t/);
    assert.match(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'), /api-key=\*\*\*/);
    const status = await runCli(['status', out]);
    assert.doesNotMatch(status.stdout + status.stderr, /s3cr3t/);
    // Nothing to redo: the recorded (redacted) endpoint is never used.
    const fit = await runCli(['fit', out, '--kmeans-num-clusters', '5', '--quiet']);
    assert.equal(fit.code, 0, fit.stderr);
    // embed must rerun (another part size) and the credentials are not on record.
    const again = await runCli(['embed', out, '--part-rows', '100', '--quiet']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /the embedding_endpoint recorded for embed had credentials, which are never stored; pass --embedding-endpoint again/);
    const same = await runCli(['embed', out, '--part-rows', '100', '--embedding-endpoint', endpoint, '--quiet']);
    assert.equal(same.code, 0, same.stderr);
    assert.doesNotMatch(same.stderr, /s3cr3t/);
  } finally {
    await server.close();
    await local.close();
  }
});

test('identical runs draw the identical plot (point order does not depend on thread timing)', async () => {
  const a = path.join(dir, 'plot-a');
  const b = path.join(dir, 'plot-b');
  for (const out of [a, b]) assert.equal((await runCli(['infer', small, out, '--kmeans-num-clusters', '5', '--quiet'])).code, 0);
  const svg = (out: string) => fs.readFileSync(path.join(out, 'plot.svg'), 'utf8').split(path.basename(out)).join('OUT');
  assert.ok(svg(a).includes('<circle') || svg(a).includes('<path'), 'the plot has points');
  assert.equal(svg(a), svg(b));
});
