import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDINGS } from '../../../schemas/tables.js';
import { partName, writeParquet } from '../../../operators/parquet/parquet.js';
import { embeddingPartFiles, embeddingsById, gatherRows, readEmbeddingPart } from '../../../operators/parquet/read-embeddings.js';
import { sql } from '../../support/sql.js';
import { tempDir } from '../../support/paths.js';

const DIMS = 3;
const vectorOf = (row: number) => Float32Array.from({ length: DIMS }, (_, j) => row + j / 10);

/** A run folder whose embeddings/ holds parts of the given sizes; row r's vector is vectorOf(r). */
function runWith(partSizes: number[]): string {
  const out = tempDir('emb');
  let row = 0;
  partSizes.forEach((n, p) => {
    const values = new Float32Array(n * DIMS);
    const ids: string[] = [];
    for (let i = 0; i < n; i++, row++) {
      values.set(vectorOf(row), i * DIMS);
      ids.push(`id${row}`);
    }
    writeParquet(path.join(out, EMBEDDINGS.path, partName(p)), EMBEDDINGS, { id: ids, embedding: { values, dims: DIMS } }, n);
  });
  return out;
}

test('a run without embeddings says to run embed first', () => {
  assert.throws(() => embeddingPartFiles(tempDir('emb')), /has no embeddings: run semclust embed first/);
});

test('one part reads back with its ids, values, dimension and row count; ids can be left out', () => {
  const out = runWith([4, 2]);
  const files = embeddingPartFiles(out);
  assert.deepEqual(files.map((f) => path.basename(f)), ['part-00000.parquet', 'part-00001.parquet']);
  const p = readEmbeddingPart(files[1], 1);
  assert.deepEqual([p.index, p.rows, p.dims], [1, 2, DIMS]);
  assert.deepEqual(p.ids, ['id4', 'id5']);
  assert.deepEqual(p.values, Float32Array.from([...vectorOf(4), ...vectorOf(5)]));
  assert.deepEqual(readEmbeddingPart(files[0], 0, false).ids, []);
});

test('gatherRows picks rows by global index across parts, as indexing the concatenated table would', () => {
  const sizes = [5, 1, 7, 3];
  const out = runWith(sizes);
  const indices = Uint32Array.from([0, 4, 5, 6, 12, 15]);
  const g = gatherRows(out, indices);
  assert.equal(g.rows, indices.length);
  assert.equal(g.dims, DIMS);
  assert.deepEqual(g.values, Float32Array.from([...indices].flatMap((r) => [...vectorOf(r)])));
  assert.throws(() => gatherRows(out, Uint32Array.from([3, 16])), /embeddings hold fewer rows than expected \(16\); rerun semclust embed/);
});

test('a part DuckDB wrote (FLOAT[d] as a Parquet list) reads as the same vectors', async () => {
  const out = tempDir('emb');
  const file = path.join(out, EMBEDDINGS.path, partName(0));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await sql(`COPY (SELECT 'id' || i AS id, [i + 0.0, i + 0.1, i + 0.2]::FLOAT[3] AS embedding FROM range(5) t(i) ORDER BY i) TO '${file}' (FORMAT parquet)`);
  const p = readEmbeddingPart(file, 0);
  assert.equal(p.dims, DIMS);
  assert.deepEqual(p.ids, ['id0', 'id1', 'id2', 'id3', 'id4']);
  assert.deepEqual(p.values, Float32Array.from([0, 1, 2, 3, 4].flatMap((r) => [...vectorOf(r)])));
});

test('embeddingsById keys every vector by its id, in part order', () => {
  const out = runWith([2, 3]);
  const { ids, byId } = embeddingsById(out);
  assert.deepEqual(ids, ['id0', 'id1', 'id2', 'id3', 'id4']);
  for (let r = 0; r < 5; r++) assert.deepEqual(byId.get(`id${r}`), vectorOf(r));
});
