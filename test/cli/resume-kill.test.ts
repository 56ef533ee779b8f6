/**
 * Resume by part under `kill -9`: embed (built-in model, and the HTTP backend against the
 * server `semclust serve` runs) and infer are killed at 10 seeded moments each; every rerun
 * completes, its outputs equal an uninterrupted run's, and the rows embedded over all
 * attempts exceed the total by at most the parts in flight.
 *
 * A moment is "after the ledger holds p durable parts, plus d ms" with p and d drawn from
 * a seeded generator, so kills land before the first part, inside parts and between them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../core/util/random.js';
import { PROGRESS_DIR } from '../../schemas/manifest.js';
import { EMBEDDINGS, LABELS, PROJECTION, ROWS } from '../../schemas/tables.js';
import type { Embedder } from '../../operators/embedders/embedder.js';
import { openEmbedder } from '../../operators/embedders/open-embedder.js';
import { httpBatchesInFlight } from '../../operators/embedders/openai-http.js';
import { startEmbeddingServer } from '../../operators/http/embedding-server.js';
import { listParts } from '../../operators/parquet/parquet.js';
import { embeddingsById } from '../../operators/parquet/read-embeddings.js';
import { runCli, startCli } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const TRIALS = 10;
const ROWS_IN = 12_000;
const PART_ROWS = 1_200;

/** The parts of `table` under `out`, by name and content hash (the Parquet writer is deterministic). */
function contents(out: string, table: string): string {
  return listParts(path.join(out, table))
    .map((f) => `${path.basename(f)} ${crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')}`)
    .join('\n');
}

function maxAbsDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  assert.deepEqual([...b.keys()], [...a.keys()], 'the same ids in the same order');
  let max = 0;
  for (const [id, v] of a) {
    const w = b.get(id)!;
    for (let j = 0; j < v.length; j++) max = Math.max(max, Math.abs(v[j] - w[j]));
  }
  return max;
}

function durableParts(out: string, stage: string): number {
  const dir = path.join(out, PROGRESS_DIR, stage);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
}

/** Starts `args`, kills it with SIGKILL once `stage` has `parts` durable parts and `delayMs` more passed. */
async function killAt(args: string[], out: string, stage: string, parts: number, delayMs: number): Promise<boolean> {
  const run = startCli(args);
  let exited = false;
  void run.done.then(() => (exited = true));
  while (!exited && durableParts(out, stage) < parts) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => setTimeout(r, delayMs));
  const killed = !exited && run.child.kill('SIGKILL');
  await run.done;
  return killed;
}

function moments(seed: number, maxParts: number): { parts: number; delayMs: number }[] {
  const rng = createRng(seed);
  return Array.from({ length: TRIALS }, () => ({ parts: rng.int(maxParts), delayMs: rng.int(40) }));
}

const dir = tempDir('kill');
const input = path.join(dir, 'in.jsonl');
fs.copyFileSync(sotuJsonl(ROWS_IN), input);
const embedArgs = (out: string, extra: string[] = []) => ['embed', input, out, '--part-rows', String(PART_ROWS), '--quiet', ...extra];

test('embed with the built-in model, killed at 10 seeded moments, resumes to the uninterrupted output', { timeout: 300_000 }, async () => {
  const reference = path.join(dir, 'ref-static');
  assert.equal((await runCli(embedArgs(reference))).code, 0);
  const want = { rows: contents(reference, ROWS.path), embeddings: contents(reference, EMBEDDINGS.path) };
  assert.ok(listParts(path.join(reference, EMBEDDINGS.path)).length >= 8);
  let killed = 0;
  for (const [i, m] of moments(1, 10).entries()) {
    const out = path.join(dir, `static-${i}`);
    if (await killAt(embedArgs(out), out, 'embed', m.parts, m.delayMs)) killed++;
    const durable = durableParts(out, 'embed');
    const rerun = await runCli(embedArgs(out));
    assert.equal(rerun.code, 0, rerun.stderr);
    if (durable > 0) assert.match(rerun.stderr, new RegExp(`embed: keeping ${durable} finished parts`), `trial ${i}`);
    assert.equal(contents(out, ROWS.path), want.rows, `trial ${i}: rows/ differ`);
    assert.equal(contents(out, EMBEDDINGS.path), want.embeddings, `trial ${i}: embeddings/ differ`);
  }
  assert.ok(killed >= TRIALS - 2, `only ${killed} of ${TRIALS} runs were killed before they finished`);
});

test('embed over HTTP against the serve server, killed at 10 seeded moments: same output, at most the parts in flight requested again', { timeout: 300_000 }, async (t) => {
  const local = await openEmbedder({ embedding_model: 'static' } as Parameters<typeof openEmbedder>[0]);
  let requested = 0;
  const counting: Embedder = { ...local, embed: (texts) => ((requested += texts.length), local.embed(texts)) };
  const server = await startEmbeddingServer(counting, { host: '127.0.0.1', port: 0 });
  const http = ['--embedding-endpoint', server.url, '--embedding-model', local.model, '--batch-size', '100', '--max-concurrency', '4'];
  try {
    const reference = path.join(dir, 'ref-http');
    assert.equal((await runCli(embedArgs(reference, http))).code, 0);
    const total = requested;
    const want = { rows: contents(reference, ROWS.path), embeddings: embeddingsById(reference).byId };
    let worst = 0;
    const bound = (httpBatchesInFlight(4, PART_ROWS) + 2) * PART_ROWS;
    for (const [i, m] of moments(2, 10).entries()) {
      const out = path.join(dir, `http-${i}`);
      requested = 0;
      await killAt(embedArgs(out, http), out, 'embed', m.parts, m.delayMs);
      const rerun = await runCli(embedArgs(out, http));
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal(contents(out, ROWS.path), want.rows, `trial ${i}: rows/ differ`);
      // The server coalesces concurrent requests, and its float sums depend on the batch they
      // land in (measured: up to 3e-8 between two uninterrupted runs), so vectors match to 1e-6.
      assert.ok(maxAbsDiff(want.embeddings, embeddingsById(out).byId) <= 1e-6, `trial ${i}: embeddings/ differ`);
      // In flight at a kill: the row batches sent to the server, the part being filled and the one being written.
      assert.ok(requested <= total + bound, `trial ${i}: ${requested} texts requested for ${total}`);
      worst = Math.max(worst, requested - total);
    }
    t.diagnostic(`${total} texts; at most ${worst} requested again over ${TRIALS} kills (bound ${bound})`);
  } finally {
    await server.close();
    await local.close();
  }
});

test('infer killed at 10 seeded moments resumes to the uninterrupted labels and projection', { timeout: 300_000 }, async () => {
  const base = path.join(dir, 'infer-base');
  const fitArgs = (out: string) => ['fit', input, out, '--part-rows', String(PART_ROWS), '--kmeans-num-clusters', '20', '--quiet'];
  assert.equal((await runCli(fitArgs(base))).code, 0);
  const reference = path.join(dir, 'ref-infer');
  fs.cpSync(base, reference, { recursive: true });
  assert.equal((await runCli(['infer', reference, '--quiet'])).code, 0);
  const want = { labels: contents(reference, LABELS.path), projection: contents(reference, PROJECTION.path) };
  for (const [i, m] of moments(3, 10).entries()) {
    const out = path.join(dir, `infer-${i}`);
    fs.cpSync(base, out, { recursive: true });
    await killAt(['infer', out, '--quiet'], out, 'infer', m.parts, m.delayMs);
    const rerun = await runCli(['infer', out, '--quiet']);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(contents(out, LABELS.path), want.labels, `trial ${i}: labels/ differ`);
    assert.equal(contents(out, PROJECTION.path), want.projection, `trial ${i}: projection/ differ`);
    fs.rmSync(out, { recursive: true });
  }
});
