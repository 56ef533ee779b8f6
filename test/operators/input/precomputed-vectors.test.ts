import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { IdSet } from '../../../core/util/id-set.js';
import { extractTexts } from '../../../operators/input/extract-text.js';
import { openPrecomputedVectors, takeVectors } from '../../../operators/input/precomputed-vectors.js';
import { STDIN, readLines } from '../../../operators/input/read-lines.js';
import type { EmbeddedBatch } from '../../../operators/embed/embed.js';
import { sql } from '../../support/sql.js';
import { tempDir } from '../../support/paths.js';

test('the dimension is the first array found at the column, past bad lines and records without one', async () => {
  const dir = tempDir('pre');
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl');
  fs.writeFileSync(a, '{"v": 1}\nnot json\n{"v": []}\n{"x": [1,2]}\n');
  fs.writeFileSync(b, '{"meta": {"v": [0.5, 0.5, 0.5, 0.5]}}\n{"meta": {"v": [1, 2]}}\n');
  assert.deepEqual(await openPrecomputedVectors([a, b], 'meta.v', 1000), { column: 'meta.v', dims: 4, model: 'precomputed:meta.v' });
  await assert.rejects(openPrecomputedVectors([a], 'v', 1000), /--embedding-column "v": no record holds an array there/);
  await assert.rejects(openPrecomputedVectors([STDIN], 'v', 1000), /stdin cannot give back: write the input to a file/);
});

test('a Parquet list column gives its dimension', async () => {
  const file = path.join(tempDir('pre'), 'vecs.parquet');
  await sql(`COPY (SELECT 'row ' || i AS text, [i, 1, 2]::FLOAT[] AS emb FROM range(3) t(i)) TO '${file}' (FORMAT parquet)`);
  assert.equal((await openPrecomputedVectors([file], 'emb', 1000)).dims, 3);
});

test('takeVectors keeps the first vector of each id across batches, unit length, row-aligned with its id', async () => {
  const file = path.join(tempDir('pre'), 'in.jsonl');
  const records = [
    { text: 'a', v: [3, 4] },
    { text: 'b', v: [0, 2] },
    { text: 'a', v: [1, 0] }, // same text, same id: the first vector stands
    { text: 'c', v: [-1, 0] },
    { text: 'b', v: [5, 5] },
  ];
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const seen = new IdSet();
  const rows = extractTexts({ keyPath: 'text', vectors: { keyPath: 'v', dims: 2 } })(readLines([file], { maxLineBytes: 1000, batchLines: 2 }));
  const out: EmbeddedBatch[] = [];
  for await (const b of takeVectors(2, { seen })(rows)) out.push(b);
  assert.equal(out.length, 3);
  const pairs = out.flatMap((b) => b.embeddedIds.map((id, i) => [b.texts[b.ids.indexOf(id)], [...b.vectors.subarray(i * 2, i * 2 + 2)].map((x) => Math.round(x * 1e6) / 1e6)]));
  assert.deepEqual(pairs, [['a', [0.6, 0.8]], ['b', [0, 1]], ['c', [-1, 0]]]);
  assert.deepEqual([out[2].embeddedIds, out[2].vectors.length], [[], 0], 'a batch whose ids were all taken before holds no vector');
  assert.equal(seen.add(out[0].embeddedIds[0]), false, 'the given IdSet holds the ids taken');
});

test('takeVectors without vectors extracted is a programming error that says what is missing', async () => {
  const file = path.join(tempDir('pre'), 'in.jsonl');
  fs.writeFileSync(file, '{"text": "a"}\n');
  const rows = extractTexts({ keyPath: 'text' })(readLines([file], { maxLineBytes: 1000 }));
  await assert.rejects(async () => {
    for await (const _ of takeVectors(2)(rows)) void _;
  }, /takeVectors needs extractTexts\(\{ vectors \}\) before it/);
});
