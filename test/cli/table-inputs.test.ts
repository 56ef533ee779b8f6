/**
 * Parquet, CSV and TSV inputs through `semclust embed`: the same records as JSONL give the
 * same ids, rows and embeddings; bad rows are rejected with their row numbers; a Hugging
 * Face-style dataset folder reads its shards in order; a kill -9 resumes by row number.
 * Every input is written by DuckDB in the test (COPY … TO), from State of the Union passages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { PROGRESS_DIR } from '../../schemas/manifest.js';
import { EMBEDDINGS, FILES, ROWS } from '../../schemas/tables.js';
import { listParts } from '../../operators/parquet/parquet.js';
import { contentDigest, readLines, type LineBatch } from '../../operators/input/read-lines.js';
import { llama3Prompt, sotuSample } from '../support/corpus.js';
import { runCli, startCli } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { parts, sql } from '../support/sql.js';

const N = 1500;
const dir = tempDir('tables');
/** JSONL of chat records: the text at request.messages[0].content (even rows a Llama-3 prompt), plus flat columns. */
const jsonl = path.join(dir, 'chat.jsonl');
fs.writeFileSync(
  jsonl,
  sotuSample(N)
    .map((p, i) => {
      const content = i % 2 === 0 ? llama3Prompt('You help the President.', p.text) : p.text;
      return JSON.stringify({ text: p.text, year: p.year, president: p.president, request: { messages: [{ role: 'user', content }], tags: ['sotu', p.party] } });
    })
    .join('\n') + '\n',
);

async function embed(input: string, out: string, extra: string[]): Promise<void> {
  const r = await runCli(['embed', input, out, '--part-rows', '500', '--quiet', ...extra]);
  assert.equal(r.code, 0, r.stderr);
}

/** Rows of two outputs that differ by line (id, text, source aside) plus embeddings that differ by id; 0 when equal. */
async function differences(a: string, b: string): Promise<{ rows: number; embeddings: number }> {
  const [[rows]] = await sql<[number]>(
    `SELECT count(*)::INT FROM ${parts(a, ROWS)} x FULL JOIN ${parts(b, ROWS)} y USING (line) WHERE x.id IS DISTINCT FROM y.id OR x.text IS DISTINCT FROM y.text`,
  );
  const [[embeddings]] = await sql<[number]>(
    `SELECT count(*)::INT FROM ${parts(a, EMBEDDINGS)} x FULL JOIN ${parts(b, EMBEDDINGS)} y USING (id) WHERE x.embedding IS DISTINCT FROM y.embedding`,
  );
  return { rows, embeddings };
}

async function records(out: string): Promise<unknown[]> {
  return (await sql<[string]>(`SELECT record FROM ${parts(out, ROWS)} ORDER BY line`)).map(([r]) => JSON.parse(r));
}

test('the same records as JSONL, Parquet (struct and list columns), CSV, TSV and CSV.gz give the same ids, rows and embeddings', { timeout: 120_000 }, async () => {
  const parquet = path.join(dir, 'chat.parquet');
  const csv = path.join(dir, 'flat.csv');
  const tsv = path.join(dir, 'flat.tsv');
  await sql(`COPY (SELECT * FROM read_json('${jsonl}')) TO '${parquet}' (FORMAT parquet)`);
  await sql(`COPY (SELECT text, year, president FROM read_json('${jsonl}')) TO '${csv}' (HEADER, DELIMITER ',')`);
  await sql(`COPY (SELECT text, year, president FROM read_json('${jsonl}')) TO '${tsv}' (HEADER, DELIMITER '\t')`);
  const gz = `${csv}.gz`;
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(csv)));
  const [[structType]] = await sql<[string]>(`SELECT typeof(request) FROM read_parquet('${parquet}') LIMIT 1`);
  assert.match(structType, /^STRUCT\(messages STRUCT\(.*\)\[\], tags VARCHAR\[\]\)$/);

  // Key path into a struct holding a list of structs; even rows are Llama-3 prompts.
  const message = ['--message-key', 'request.messages[0].content'];
  await embed(jsonl, path.join(dir, 'jsonl-msg'), message);
  await embed(parquet, path.join(dir, 'parquet-msg'), message);
  assert.deepEqual(await differences(path.join(dir, 'jsonl-msg'), path.join(dir, 'parquet-msg')), { rows: 0, embeddings: 0 });
  const [[rowsOut, prompts]] = await sql<[number, number]>(
    `SELECT count(*)::INT, count(*) FILTER (WHERE text LIKE '%<|start_header_id|>%')::INT FROM ${parts(path.join(dir, 'parquet-msg'), ROWS)}`,
  );
  assert.deepEqual([rowsOut, prompts], [N, 0]);
  // The record kept is the row as JSON: the same value as the JSONL line.
  assert.deepEqual(await records(path.join(dir, 'parquet-msg')), await records(path.join(dir, 'jsonl-msg')));

  // CSV / TSV: flat columns, every field read as text.
  await embed(jsonl, path.join(dir, 'jsonl-text'), ['--text-key', 'text']);
  const want = (await records(path.join(dir, 'jsonl-text'))).map((r) => {
    const { text, year, president } = r as { text: string; year: number; president: string };
    return { text, year: String(year), president };
  });
  for (const [name, file] of [['csv', csv], ['tsv', tsv], ['csv.gz', gz]]) {
    const out = path.join(dir, `${name}-text`);
    await embed(file, out, ['--text-key', 'text']);
    assert.deepEqual(await differences(path.join(dir, 'jsonl-text'), out), { rows: 0, embeddings: 0 }, name);
    assert.deepEqual(await records(out), want, name);
  }
  // The input identity of a Parquet file is its size, mtime and the xxh3 of its bytes: a touch alone keeps the embeddings.
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'parquet-msg', FILES.manifest), 'utf8'));
  const [input] = manifest.stages.embed.stats.inputs;
  assert.equal(input.size, fs.statSync(parquet).size);
  assert.match(input.xxh3, /^[0-9a-f]{32}$/);
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(parquet, later, later);
  const again = await runCli(['embed', parquet, path.join(dir, 'parquet-msg'), '--part-rows', '500', ...message]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /embed: complete for these settings, skipped/);
});

test('bad rows in Parquet and CSV (null, number, empty, missing) go to rejects.jsonl with file and row number', { timeout: 60_000 }, async () => {
  const good = sotuSample(40).map((p) => p.text);
  // A JSON-typed column holds values of any type per row, as JSONL does.
  const payloads = good.map((t) => JSON.stringify({ text: t }));
  payloads.splice(4, 0, '{"text": null}'); // row 5
  payloads.splice(9, 0, '{"text": 42}'); // row 10
  payloads.splice(14, 0, '{"text": ""}'); // row 15
  payloads.splice(19, 0, '{"body": "no text"}'); // row 20
  const values = payloads.map((p, i) => `('${p.replace(/'/g, "''")}'::JSON, ${i === 0 ? "'nan'::DOUBLE" : i})`).join(', ');
  const parquet = path.join(dir, 'bad.parquet');
  await sql(`COPY (SELECT * FROM (VALUES ${values}) v(payload, score)) TO '${parquet}' (FORMAT parquet)`);
  const out = path.join(dir, 'bad-parquet');
  const r = await runCli(['embed', parquet, out, '--text-key', 'payload.text', '--quiet', '--max-reject-rate', '0.5']);
  assert.equal(r.code, 0, r.stderr);
  const rejects = (o: string) =>
    fs.readFileSync(path.join(o, FILES.rejects), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.source, x.line, x.reason]);
  assert.deepEqual(rejects(out), [[parquet, 5, 'not_a_string'], [parquet, 10, 'not_a_string'], [parquet, 15, 'empty_text'], [parquet, 20, 'missing_key']]);
  const kept = await sql<[string, number, string]>(`SELECT text, line::INT, record FROM ${parts(out, ROWS)} ORDER BY line`);
  assert.deepEqual(kept.map((k) => k[0]), good);
  // Row 1's score is NaN, which JSON cannot hold: the row is kept, its record has null there.
  assert.deepEqual(JSON.parse(kept[0][2]), { payload: { text: good[0] }, score: null });

  // CSV: an empty field is null, a quoted empty field an empty string; "42" stays text.
  const csv = path.join(dir, 'bad.csv');
  const lines = ['id,text', ...good.slice(0, 10).map((t, i) => `${i},"${t.replace(/"/g, '""')}"`)];
  lines.splice(3, 0, '90,'); // row 3
  lines.splice(6, 0, '91,""'); // row 6
  lines.splice(8, 0, '92,42'); // row 8
  lines.splice(9, 0, '93,"# a heading, not a comment"'); // row 9
  fs.writeFileSync(csv, lines.join('\n') + '\n');
  const csvOut = path.join(dir, 'bad-csv');
  const c = await runCli(['embed', csv, csvOut, '--quiet', '--max-reject-rate', '0.5']);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(rejects(csvOut), [[csv, 3, 'not_a_string'], [csv, 6, 'empty_text']]);
  const texts = await sql<[string, number]>(`SELECT text, line::INT FROM ${parts(csvOut, ROWS)} ORDER BY line`);
  assert.equal(texts.length, 12);
  assert.deepEqual(texts.find((t) => t[1] === 8), ['42', 8]);
  assert.deepEqual(texts.find((t) => t[1] === 9), ['# a heading, not a comment', 9]);
});

test('readLines over JSONL then Parquet resumes from any batch end to the same remaining rows, with the same digests', async () => {
  const parquet = path.join(dir, 'resume.parquet');
  await sql(`COPY (SELECT * FROM read_json('${jsonl}') LIMIT 450) TO '${parquet}' (FORMAT parquet)`);
  const sources = [jsonl, parquet];
  const read = async (start?: LineBatch) => {
    const batches: LineBatch[] = [];
    for await (const b of readLines(sources, { maxLineBytes: 1 << 20, batchLines: 100, start: start && { position: start.end, digests: start.digests } })) batches.push(b);
    return batches;
  };
  const all = await read();
  const flat = (bs: LineBatch[]) => bs.flatMap((b) => b.lines.map((l, i) => `${b.sources[i]}:${b.lineNumbers[i]} ${l}`));
  const everything = flat(all);
  assert.equal(everything.length, N + 450);
  assert.deepEqual(all[all.length - 1].digests, [await contentDigest(jsonl), await contentDigest(parquet)]);
  // Batch ends inside the JSONL, at its last line (batch 14), and inside the Parquet file.
  for (const k of [3, 14, 15, 16, 18]) {
    const tail = await read(all[k]);
    assert.deepEqual(flat(tail), everything.slice(flat(all.slice(0, k + 1)).length), `resumed after batch ${k}`);
    assert.deepEqual(tail[tail.length - 1].digests, all[all.length - 1].digests);
  }
  assert.deepEqual(all[15].end, { source: 1, line: 100, byte: 0, digestState: null });
});

test('a CSV row with an extra field, or a ;-delimited .csv, stops the run with one message: file, row, what is wrong, what to do (issue 18 item 7)', async () => {
  const csv = path.join(dir, 'ragged.csv');
  const rows = Array.from({ length: 60 }, (_, i) => (i + 1 === 51 ? `${i + 1},hello there,extra` : `${i + 1},hello ${i + 1}`));
  fs.writeFileSync(csv, `id,text\n${rows.join('\n')}\n`);
  const r = await runCli(['embed', csv, path.join(dir, 'ragged-out'), '--quiet']);
  assert.equal(r.code, 1);
  const line = r.stderr.trim();
  assert.equal(line.split('\n').length, 1, `one line, not DuckDB's dump: ${line}`);
  assert.ok(line.startsWith(`semclust embed: ${csv}: cannot be read as csv: row 51 (line 52 when no field spans lines) has 3 fields, the header 2:`), line);
  assert.match(line, /a rerun resumes after them/);
  assert.doesNotMatch(line, /strict_mode|ignore_errors|null_padding/);

  const semi = path.join(dir, 'semi.csv');
  fs.writeFileSync(semi, 'id;text\n1;hello\n2;there\n');
  const s = await runCli(['embed', semi, path.join(dir, 'semi-out'), '--quiet']);
  assert.equal(s.code, 1);
  assert.equal(s.stderr.trim(), `semclust embed: ${semi}: cannot be read as csv: its header has one field and holds ";", the delimiter in use being ",": pass --csv-delimiter ';' (csv_delimiter in YAML) to read it as ";"-separated.`);

  const damaged = path.join(dir, 'damaged.parquet');
  fs.writeFileSync(damaged, 'PAR1 this is not a Parquet file');
  const d = await runCli(['embed', damaged, path.join(dir, 'damaged-out'), '--quiet']);
  assert.equal(d.code, 1);
  assert.match(d.stderr, new RegExp(`${damaged.replace(/[.]/g, '\\.')}: cannot be read as parquet: .*a whole Parquet file`));
});

test('a ;-delimited .csv read with --csv-delimiter \';\' gives the ids, rows and embeddings of its comma version; changing the delimiter redoes embed', { timeout: 60_000 }, async () => {
  const comma = path.join(dir, 'delim-comma.csv');
  const semi = path.join(dir, 'delim-semi.csv');
  // Fields holding ";" and "," are quoted by DuckDB's writer, so both files carry the other delimiter inside fields.
  const rows = `SELECT text || CASE WHEN year % 2 = 0 THEN '; and, so on' ELSE '' END AS text, year, president FROM read_json('${jsonl}') LIMIT 300`;
  await sql(`COPY (${rows}) TO '${comma}' (HEADER, DELIMITER ',')`);
  await sql(`COPY (${rows}) TO '${semi}' (HEADER, DELIMITER ';')`);
  assert.match(fs.readFileSync(semi, 'utf8').split('\n')[0], /^text;year;president/);
  const a = path.join(dir, 'delim-comma-out');
  const b = path.join(dir, 'delim-semi-out');
  await embed(comma, a, ['--text-key', 'text']);
  await embed(semi, b, ['--text-key', 'text', '--csv-delimiter', ';']);
  assert.deepEqual(await differences(a, b), { rows: 0, embeddings: 0 });
  const got = await records(b);
  assert.equal(got.length, 300);
  assert.deepEqual(got, await records(a));
  assert.ok(got.some((r) => (r as { text: string }).text.endsWith('; and, so on')), 'fields holding the delimiter kept whole');

  const same = await runCli(['embed', semi, b, '--part-rows', '500', '--text-key', 'text', '--csv-delimiter', ';']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stderr, /embed: complete for these settings, skipped/);
  // A tab-separated reading of the ;-file is a different input: embed runs again, and stops on the header.
  const other = await runCli(['embed', semi, b, '--part-rows', '500', '--text-key', 'text', '--csv-delimiter', '\\t']);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /its header has one field and holds ";", the delimiter in use being "\\t": pass --csv-delimiter ';'/);

  const bad = await runCli(['embed', semi, path.join(dir, 'delim-bad-out'), '--csv-delimiter', ';;']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /csv-delimiter.*one character, or \\t for a tab/);
});

test('a Hugging Face-style dataset folder (data/train-0000N-of-00002.parquet) is read shard by shard, in order', { timeout: 60_000 }, async () => {
  const hf = path.join(dir, 'hf-dataset');
  fs.mkdirSync(path.join(hf, 'data'), { recursive: true });
  fs.writeFileSync(path.join(hf, 'README.md'), '---\nlicense: cc0-1.0\n---\n');
  const shards = ['train-00000-of-00002.parquet', 'train-00001-of-00002.parquet'].map((f) => path.join(hf, 'data', f));
  // Written second shard first, so order by name, not by creation, is what is checked.
  await sql(`COPY (SELECT * FROM read_json('${jsonl}') OFFSET 700) TO '${shards[1]}' (FORMAT parquet)`);
  await sql(`COPY (SELECT * FROM read_json('${jsonl}') LIMIT 700) TO '${shards[0]}' (FORMAT parquet)`);
  const out = path.join(dir, 'hf-out');
  await embed(hf, out, ['--message-key', 'request.messages[0].content']);
  const got = await sql<[string, string, number]>(`SELECT id, source, line::INT FROM ${parts(out, ROWS)}`);
  const want = await sql<[string]>(`SELECT id FROM ${parts(path.join(dir, 'jsonl-msg'), ROWS)} ORDER BY line`);
  assert.deepEqual(got.map((g) => g[0]), want.map((w) => w[0]));
  assert.deepEqual([got[0].slice(1), got[699].slice(1), got[700].slice(1), got[N - 1].slice(1)], [[shards[0], 1], [shards[0], 700], [shards[1], 1], [shards[1], N - 700]]);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, FILES.manifest), 'utf8'));
  assert.deepEqual(manifest.stages.embed.stats.inputs.map((i: { path: string }) => path.basename(i.path)), shards.map((s) => path.basename(s)));

  // The same folder with a shard more is another input: embed is redone, and says why first.
  const third = path.join(hf, 'data', 'test-00000-of-00001.parquet');
  await sql(`COPY (SELECT * FROM read_json('${jsonl}') LIMIT 10) TO '${third}' (FORMAT parquet)`);
  const again = await runCli(['embed', hf, out, '--part-rows', '500', '--message-key', 'request.messages[0].content', '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /input \.\.\/hf-dataset\/data\/test-00000-of-00001\.parquet absent → a new file \(\d+ bytes\): embed will be redone/);
  const [[total]] = await sql<[number]>(`SELECT count(*)::INT FROM ${parts(out, ROWS)}`);
  assert.equal(total, N + 10);
});

/** The parts of `table` under `out`, by name and content hash (the Parquet writer is deterministic). */
function contents(out: string, table: string): string {
  return listParts(path.join(out, table))
    .map((f) => `${path.basename(f)} ${crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex')}`)
    .join('\n');
}

test('embed of a Parquet file killed at 3 moments resumes by row number to the uninterrupted output', { timeout: 180_000 }, async () => {
  const big = path.join(dir, 'big.parquet');
  await sql(`COPY (SELECT * FROM read_json('${jsonl}'), range(8) r(k) ORDER BY k, year) TO '${big}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
  const args = (out: string) => ['embed', big, out, '--text-key', 'request.messages[0].content', '--part-rows', '1000', '--quiet'];
  const reference = path.join(dir, 'kill-ref');
  assert.equal((await runCli(args(reference))).code, 0);
  const want = { rows: contents(reference, ROWS.path), embeddings: contents(reference, EMBEDDINGS.path) };
  assert.ok(listParts(path.join(reference, ROWS.path)).length >= 10);
  const durable = (out: string) => {
    const d = path.join(out, PROGRESS_DIR, 'embed');
    return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.json')).length : 0;
  };
  let killed = 0;
  for (const [i, atParts] of [1, 4, 8].entries()) {
    const out = path.join(dir, `kill-${i}`);
    const run = startCli(args(out));
    let exited = false;
    void run.done.then(() => (exited = true));
    while (!exited && durable(out) < atParts) await new Promise((r) => setTimeout(r, 2));
    if (!exited && run.child.kill('SIGKILL')) killed++;
    await run.done;
    const kept = durable(out);
    const rerun = await runCli(args(out));
    assert.equal(rerun.code, 0, rerun.stderr);
    if (kept > 0) assert.match(rerun.stderr, new RegExp(`embed: keeping ${kept} finished parts .* reading on from line ${kept * 1000} of input 1`), `trial ${i}`);
    assert.equal(contents(out, ROWS.path), want.rows, `trial ${i}: rows/ differ`);
    assert.equal(contents(out, EMBEDDINGS.path), want.embeddings, `trial ${i}: embeddings/ differ`);
  }
  assert.ok(killed >= 2, `only ${killed} of 3 runs were killed before they finished`);
});
