/**
 * Read-ahead of the embed stream against a server (issue 8, item 8): httpBatchesInFlight
 * keeps every allowed request busy while holding only a few row batches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedRows, type EmbeddedBatch } from '../../../operators/embed/embed.js';
import type { Embedder } from '../../../operators/embedders/embedder.js';
import { httpBatchesInFlight, openHttpEmbedder } from '../../../operators/embedders/openai-http.js';
import { openStaticModel } from '../../../operators/embedders/static-model.js';
import { startEmbeddingServer } from '../../../operators/http/embedding-server.js';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../support/paths.js';
import { extractTexts } from '../../../operators/input/extract-text.js';
import { readLines, type LineBatch } from '../../../operators/input/read-lines.js';

test('httpBatchesInFlight: enough batches for the requests, never one per request', () => {
  // Hand-worked: ceil(mc × min(request size, rows) / rows) + 1; the request size is 32 unless given.
  assert.equal(httpBatchesInFlight(4, 4096), 2);
  assert.equal(httpBatchesInFlight(128, 4096), 2);
  assert.equal(httpBatchesInFlight(129, 4096), 3);
  assert.equal(httpBatchesInFlight(256, 4096), 3);
  assert.equal(httpBatchesInFlight(256, 4096, 64), 5, 'the bound follows the request size');
  assert.equal(httpBatchesInFlight(8, 16), 9, 'batches smaller than a request: one request each');
  assert.equal(httpBatchesInFlight(8, 256, 16), 2);
});

test('with httpBatchesInFlight batches in flight the server sees maxConcurrency requests at once and the source is read only that far ahead', async () => {
  const local = await openStaticModel();
  let active = 0;
  let peak = 0;
  // A slow model: each call takes 20 ms, so requests overlap as much as the client allows.
  const slow: Embedder = {
    model: local.model,
    dims: local.dims,
    embed: async (t) => {
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return local.embed(t);
    },
    close: async () => {},
  };
  const server = await startEmbeddingServer(slow, { coalesce: false });
  const maxConcurrency = 8;
  // One batch fills 4 requests: fewer than 2 batches in flight could not keep 8 busy.
  const rowsPerBatch = 64;
  const requestBatchSize = 16;
  const inFlight = httpBatchesInFlight(maxConcurrency, rowsPerBatch, requestBatchSize);
  const remote = await openHttpEmbedder({ endpoint: server.url, model: local.model, dims: local.dims, maxConcurrency, requestBatchSize });
  const input = path.join(tempDir('read-ahead'), 'in.jsonl');
  fs.writeFileSync(input, Array.from({ length: 8 * rowsPerBatch }, (_, i) => JSON.stringify({ text: `row ${i} card declined` })).join('\n') + '\n');
  let pulled = 0;
  let received = 0;
  let ahead = 0;
  async function* counted(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    for await (const b of batches) {
      pulled++;
      ahead = Math.max(ahead, pulled - received);
      yield b;
    }
  }
  const rows = extractTexts({ keyPath: 'text' })(counted(readLines([input], { maxLineBytes: 1 << 20, batchLines: rowsPerBatch })));
  try {
    const out: EmbeddedBatch[] = [];
    for await (const batch of embedRows(remote, { batchSize: 64, inFlight })(rows)) {
      received++;
      out.push(batch);
    }
    assert.equal(out.reduce((n, b) => n + b.embeddedIds.length, 0), 8 * rowsPerBatch, 'every row embedded once');
    assert.equal(out[5].embeddedIds.length, rowsPerBatch);
    const want = await local.embed(out[5].texts);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(out[5].vectors[i] - want[i]) <= 1e-6);
    assert.equal(peak, maxConcurrency, 'every allowed request was busy');
    // One more batch may sit in the extract step between the reader and embed.
    assert.ok(ahead <= inFlight + 2, `read ${ahead} batches ahead, in flight ${inFlight}`);
  } finally {
    await remote.close();
    await server.close();
    await local.close();
  }
});
