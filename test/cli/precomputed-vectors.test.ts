/**
 * `--embedding-column`: vectors exported from a run with the built-in model, read back from
 * a JSON array in JSONL (at a key path) and from a Parquet list column, give the same
 * k-means labels as the run that embedded them (same seed); vectors of another dimension,
 * NaN, infinite, non-numeric, null and all-zero ones are rejected and counted by reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDINGS, FILES, LABELS, ROWS } from '../../schemas/tables.js';
import { runCli } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { parts, sql } from '../support/sql.js';

const cluster = ['--kmeans-num-clusters', '12', '--seed', '7', '--plot-projection', 'pca', '--quiet'];

const dir = tempDir('precomputed');
const input = sotuJsonl(3000);
const embedded = path.join(dir, 'embedded');

/** Each row's text and vector in row order, as the model run wrote them. */
const exported = `SELECT r.line AS ord, r.text, e.embedding FROM ${parts(embedded, ROWS)} r JOIN ${parts(embedded, EMBEDDINGS)} e USING (id)`;

/** Labels of two runs that differ, by id; and the largest difference of their vectors. */
async function compare(a: string, b: string): Promise<{ labels: number; ids: number; maxDiff: number }> {
  const [[labels, ids]] = await sql<[number, number]>(
    `SELECT count(*) FILTER (WHERE x.cluster IS DISTINCT FROM y.cluster)::INT, count(*)::INT FROM ${parts(a, LABELS)} x FULL JOIN ${parts(b, LABELS)} y USING (id)`,
  );
  const [[maxDiff]] = await sql<[number]>(
    `SELECT max(list_max(list_transform(list_zip(x.embedding, y.embedding), p -> abs(p[1] - p[2]))))::DOUBLE FROM ${parts(a, EMBEDDINGS)} x JOIN ${parts(b, EMBEDDINGS)} y USING (id)`,
  );
  return { labels, ids, maxDiff };
}

function rejectsOf(out: string): [number, string][] {
  return fs
    .readFileSync(path.join(out, FILES.rejects), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .map((r) => [r.line, r.reason]);
}

const embedStats = (out: string) => JSON.parse(fs.readFileSync(path.join(out, FILES.manifest), 'utf8')).stages.embed.stats;

test('precomputed vectors from JSONL (key path) and Parquet (list column) give the labels of the run that embedded them; bad vectors are counted by reason', { timeout: 180_000 }, async () => {
  const r = await runCli(['infer', input, embedded, ...cluster]);
  assert.equal(r.code, 0, r.stderr);
  const [[rows, ids]] = await sql<[number, number]>(`SELECT count(*)::INT, count(DISTINCT id)::INT FROM ${parts(embedded, ROWS)}`);

  // JSONL: the vector nested at meta.embedding; bad rows after the good ones, written as Python's json.dumps would (bare NaN).
  const jsonl = path.join(dir, 'vectors.jsonl');
  await sql(`COPY (SELECT text, {'embedding': embedding} AS meta FROM (${exported}) ORDER BY ord) TO '${jsonl}' (FORMAT json)`);
  const v = (f: (j: number) => string) => `[${Array.from({ length: 100 }, (_, j) => f(j)).join(', ')}]`;
  const bad = [
    `{"text": "a vector of 99 dimensions", "meta": {"embedding": [${Array(99).fill(0.1).join(', ')}]}}`,
    `{"text": "a vector with NaN", "meta": {"embedding": ${v((j) => (j === 3 ? 'NaN' : '0.1'))}}}`,
    `{"text": "a vector with Infinity", "meta": {"embedding": ${v((j) => (j === 0 ? '-Infinity' : '0.1'))}}}`,
    `{"text": "a vector with a string", "meta": {"embedding": ${v((j) => (j === 9 ? '"0.1"' : '0.1'))}}}`,
    `{"text": "no vector", "meta": {"embedding": null}}`,
    `{"text": "a zero vector", "meta": {"embedding": ${v(() => '0')}}}`,
  ];
  fs.appendFileSync(jsonl, bad.join('\n') + '\n');
  const fromJsonl = path.join(dir, 'from-jsonl');
  const a = await runCli(['infer', jsonl, fromJsonl, '--embedding-column', 'meta.embedding', ...cluster]);
  assert.equal(a.code, 0, a.stderr);
  // Renormalising a unit float32 vector may move its last bit, no more.
  const j = await compare(embedded, fromJsonl);
  assert.deepEqual([j.labels, j.ids], [0, ids]);
  assert.ok(j.maxDiff <= 1e-7, String(j.maxDiff));
  assert.deepEqual(rejectsOf(fromJsonl), [
    [rows + 1, 'vector_dims'],
    [rows + 2, 'vector_not_finite'],
    [rows + 3, 'vector_not_finite'],
    [rows + 4, 'vector_not_numeric'],
    [rows + 5, 'not_a_vector'],
    [rows + 6, 'vector_zero'],
  ]);
  const stats = embedStats(fromJsonl);
  assert.deepEqual(stats.rejected_by_reason, { vector_dims: 1, vector_not_finite: 2, vector_not_numeric: 1, not_a_vector: 1, vector_zero: 1 });
  assert.equal(stats.model, 'precomputed:meta.embedding');
  assert.equal(stats.dims, 100);
  const firstReject = JSON.parse(fs.readFileSync(path.join(fromJsonl, FILES.rejects), 'utf8').split('\n')[0]);
  assert.match(firstReject.detail, /"meta\.embedding" has 99 dimensions; the run's vectors have 100/);

  // Parquet: a FLOAT[] list column, bad rows at the end.
  const parquet = path.join(dir, 'vectors.parquet');
  const nan = `list_transform(range(100), j -> CASE WHEN j = 5 THEN 'nan'::FLOAT ELSE 0.1::FLOAT END)`;
  await sql(
    `COPY (SELECT * FROM (${exported}
       UNION ALL SELECT 1e9, 'a list of 3', [0.1, 0.2, 0.3]::FLOAT[]
       UNION ALL SELECT 1e9 + 1, 'a list with NaN', ${nan}
       UNION ALL SELECT 1e9 + 2, 'a null list', NULL::FLOAT[]) ORDER BY ord) TO '${parquet}' (FORMAT parquet)`,
  );
  const [[listType]] = await sql<[string]>(`SELECT typeof(embedding) FROM read_parquet('${parquet}') LIMIT 1`);
  assert.equal(listType, 'FLOAT[]');
  const fromParquet = path.join(dir, 'from-parquet');
  const b = await runCli(['infer', parquet, fromParquet, '--embedding-column', 'embedding', ...cluster]);
  assert.equal(b.code, 0, b.stderr);
  const p = await compare(embedded, fromParquet);
  assert.deepEqual([p.labels, p.ids], [0, ids]);
  assert.ok(p.maxDiff <= 1e-7, String(p.maxDiff));
  assert.deepEqual(rejectsOf(fromParquet), [
    [rows + 1, 'vector_dims'],
    [rows + 2, 'vector_not_finite'],
    [rows + 3, 'not_a_vector'],
  ]);
  assert.equal(embedStats(fromParquet).model, 'precomputed:embedding');

  // The column keys the embed stage: adding it to a run embedded by the model embeds again, and says so first.
  const switched = path.join(dir, 'switched');
  assert.equal((await runCli(['embed', parquet, switched, '--quiet'])).code, 0);
  assert.equal(embedStats(switched).model, embedStats(embedded).model);
  const again = await runCli(['embed', parquet, switched, '--embedding-column', 'embedding', '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /embedding_column \(unset\) → embedding: embed will be redone/);
  assert.equal(embedStats(switched).model, 'precomputed:embedding');
});

test('--embedding-column naming no array, or given stdin, fails before any work with what to do', async () => {
  const noArray = await runCli(['embed', input, path.join(dir, 'no-array'), '--embedding-column', 'year', '--quiet']);
  assert.equal(noArray.code, 1);
  assert.match(noArray.stderr, /--embedding-column "year": no record holds an array there/);
  const stdin = await runCli(['embed', '-', path.join(dir, 'stdin'), '--embedding-column', 'v', '--quiet'], '{"text": "a", "v": [1, 2]}\n');
  assert.equal(stdin.code, 1);
  assert.match(stdin.stderr, /write the input to a file and pass that/);
});
