import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { IdSet } from '../../../core/util/id-set.js';
import { embedRows, type EmbeddedBatch } from '../../../operators/embed/embed.js';
import type { Embedder } from '../../../operators/embedders/embedder.js';
import { openStaticFolder, staticLayout } from '../../../operators/embedders/static-folder.js';
import type { RowBatch } from '../../../operators/input/extract-text.js';
import { createRowIdHasher } from '../../../core/text/row-id.js';
import { writeStaticModel } from '../../support/model2vec.js';
import { tempDir } from '../../support/paths.js';

/** A real (Model2Vec-layout) embedder, with every call's texts recorded. */
async function recordingEmbedder(): Promise<{ embedder: Embedder; calls: string[][] }> {
  const { dir } = await writeStaticModel(path.join(tempDir('embed'), 'potion'), { seed: 5, layout: 'model2vec' });
  const real = await openStaticFolder(dir, (await staticLayout(dir))!);
  const calls: string[][] = [];
  const embedder: Embedder = { model: real.model, dims: real.dims, embed: (texts) => (calls.push([...texts]), real.embed(texts)), close: () => real.close() };
  return { embedder, calls };
}

async function batchesOf(texts: string[][]): Promise<RowBatch[]> {
  const idOf = await createRowIdHasher();
  let line = 0;
  return texts.map((t) => ({
    ids: t.map(idOf),
    texts: t,
    records: t.map((x) => JSON.stringify({ text: x })),
    sources: t.map(() => 'in.jsonl'),
    lines: t.map(() => ++line),
    rejects: [],
    linesRead: t.length,
    bytesRead: 0,
    end: { source: 0, line, byte: 0, digestState: null },
    digests: [],
  }));
}

async function* from<T>(items: T[]) {
  yield* items;
}

test('each distinct text is embedded once, in calls of at most batchSize, and its vector is the embedder\'s', async () => {
  const { embedder, calls } = await recordingEmbedder();
  try {
    const texts = [['hello world', 'my card is lost', 'hello world', 'bank money'], ['my card is lost', 'lost card', 'world', 'money', 'hello', 'card']];
    const out: EmbeddedBatch[] = [];
    for await (const b of embedRows(embedder, { batchSize: 3 })(from(await batchesOf(texts)))) out.push(b);
    assert.deepEqual(out.map((b) => b.texts), texts, 'every row passes through, duplicates included');
    const embedded = out.flatMap((b) => b.embeddedIds.map((id) => b.texts[b.ids.indexOf(id)]));
    assert.deepEqual(embedded, ['hello world', 'my card is lost', 'bank money', 'lost card', 'world', 'money', 'hello', 'card']);
    assert.ok(calls.every((c) => c.length <= 3));
    assert.deepEqual(calls.flat().sort(), [...embedded].sort());
    const direct = await embedder.embed(embedded);
    const got = new Float32Array(out.flatMap((b) => [...b.vectors]));
    assert.deepEqual(got, direct);
  } finally {
    await embedder.close();
  }
});

test('ids in `seen` (kept from an earlier attempt) are not embedded again', async () => {
  const { embedder, calls } = await recordingEmbedder();
  try {
    const [batch] = await batchesOf([['a card', 'a bank', 'a world']]);
    const seen = new IdSet();
    seen.add(batch.ids[1]);
    const out: EmbeddedBatch[] = [];
    for await (const b of embedRows(embedder, { batchSize: 8, seen })(from([batch]))) out.push(b);
    assert.deepEqual(out[0].embeddedIds, [batch.ids[0], batch.ids[2]]);
    assert.deepEqual(calls, [['a card', 'a world']]);
    assert.equal(out[0].vectors.length, 2 * embedder.dims);
  } finally {
    await embedder.close();
  }
});

test('an embedder failure names the input lines of the batch it happened in', async () => {
  const failing: Embedder = { model: 'm', dims: 2, embed: async () => Promise.reject(new Error('HTTP 400: input too long')), close: async () => {} };
  const batches = await batchesOf([['x', 'y'], ['z']]);
  await assert.rejects(async () => {
    for await (const _ of embedRows(failing, { batchSize: 4 })(from(batches))) void _;
  }, { message: 'HTTP 400: input too long [the batch holds the rows of in.jsonl:1 to in.jsonl:2]' });
});
