import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { delimiterOf, firstRaggedRow, headerProblem, readTableRecords, tableFormat } from '../../../operators/input/read-table.js';
import { sql } from '../../support/sql.js';
import { tempDir } from '../../support/paths.js';

async function records(file: string, skip = 0, delimiter?: string) {
  const out: unknown[] = [];
  const fractions: (number | null)[] = [];
  for await (const chunk of readTableRecords(file, skip, delimiter)) {
    out.push(...chunk.records.map((r) => JSON.parse(r)));
    fractions.push(chunk.fraction);
  }
  return { out, fractions };
}

test('the format is told by the file name; anything else is JSONL', () => {
  assert.equal(tableFormat('a/b.PARQUET'), 'parquet');
  assert.equal(tableFormat('x.csv'), 'csv');
  assert.equal(tableFormat('x.csv.gz'), 'csv');
  assert.equal(tableFormat('x.tsv.gz'), 'tsv');
  assert.equal(tableFormat('x.jsonl'), null);
  assert.equal(tableFormat('x.csv.bak'), null);
});

test('Parquet rows come out in file order as JSON records with their struct and list columns, many chunks long, resumable', async () => {
  const file = path.join(tempDir('table'), 'in.parquet');
  const n = 5000;
  await sql(`COPY (SELECT i AS n, 'text ' || i AS text, {'a': i % 3, 'b': ['x', 'y']} AS meta, [i, i + 1]::FLOAT[] AS v FROM range(${n}) t(i) ORDER BY i) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
  const { out, fractions } = await records(file);
  assert.equal(out.length, n);
  out.forEach((r, i) => assert.deepEqual(r, { n: i, text: `text ${i}`, meta: { a: i % 3, b: ['x', 'y'] }, v: [i, i + 1] }));
  assert.ok(fractions.length > 1, 'read in chunks, not all at once');
  assert.equal(fractions.at(-1), 1);
  for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i]! > fractions[i - 1]!);
  const rest = await records(file, 4321);
  assert.deepEqual(rest.out, out.slice(4321));
});

test('CSV fields stay text ("007" is not 7), empty is null, "" is an empty string, # lines are rows; gzip and TSV read alike', async () => {
  const dir = tempDir('table');
  const good = 'id,text,note\n007,"hello, world",\n#2,"say ""hi""",""\n';
  fs.writeFileSync(path.join(dir, 'a.csv'), good);
  const expected = [
    { id: '007', text: 'hello, world', note: null },
    { id: '#2', text: 'say "hi"', note: '' },
  ];
  assert.deepEqual((await records(path.join(dir, 'a.csv'))).out, expected);
  assert.deepEqual((await records(path.join(dir, 'a.csv'))).fractions, [null]);
  fs.writeFileSync(path.join(dir, 'a.csv.gz'), zlib.gzipSync(good));
  assert.deepEqual((await records(path.join(dir, 'a.csv.gz'))).out, expected);
  fs.writeFileSync(path.join(dir, 'a.tsv'), 'id\ttext\n1\tcomma, kept\n');
  assert.deepEqual((await records(path.join(dir, 'a.tsv'))).out, [{ id: '1', text: 'comma, kept' }]);
  assert.deepEqual((await records(path.join(dir, 'a.csv'), 1)).out, expected.slice(1));
});

test('a ragged CSV or a file that is not Parquet fails naming the file and what to check, never dropping rows silently', async () => {
  const dir = tempDir('table');
  const ragged = path.join(dir, 'ragged.csv');
  fs.writeFileSync(ragged, 'a,b\n1,2\n3,4\n5,6,7\n');
  await assert.rejects(records(ragged), (e: Error) => e.message.startsWith(`${ragged}: cannot be read as csv: row 3 (line 4 when no field spans lines) has 3 fields, the header 2`));
  const fake = path.join(dir, 'fake.parquet');
  fs.writeFileSync(fake, '{"text": "not parquet"}\n');
  await assert.rejects(records(fake), (e: Error) => e.message.startsWith(`${fake}: cannot be read as parquet: `) && e.message.includes('a whole Parquet file'));
  await assert.rejects(records(path.join(dir, 'x.jsonl')), /not a Parquet, CSV or TSV file name/);
});

test('firstRaggedRow counts fields as RFC 4180 reads them: quoted delimiters, doubled quotes and line breaks stay inside one field', () => {
  assert.equal(firstRaggedRow('a,b\n1,"x, y"\n2,"say ""hi"", ok"\n3,"two\nlines"\n\n4,z\n', ','), null);
  assert.deepEqual(firstRaggedRow('a,b\n1,x\n2,"q,r",extra\n3,y\n', ','), { row: 2, fields: 3, header: 2 });
  assert.deepEqual(firstRaggedRow('a\tb\n1\tx\n2\n', '\t'), { row: 2, fields: 1, header: 2 });
  assert.deepEqual(firstRaggedRow('a,b\n1,x\n2,y,z', ','), { row: 2, fields: 3, header: 2 }, 'a last row without a newline');
});

test('csv_delimiter reads a ;-, |- or tab-separated file, .csv or .tsv, as its comma version; without it the header names the flag', async () => {
  assert.equal(delimiterOf('csv'), ',');
  assert.equal(delimiterOf('tsv'), '\t');
  assert.equal(delimiterOf('csv', '\\t'), '\t', 'the two characters \\t as typed in a shell');
  assert.equal(delimiterOf('tsv', ';'), ';');
  const dir = tempDir('table');
  const comma = path.join(dir, 'c.csv');
  fs.writeFileSync(comma, 'id,text\n007,"a; b, c"\n2,"say ""hi"""\n');
  const want = (await records(comma)).out;
  assert.deepEqual(want, [{ id: '007', text: 'a; b, c' }, { id: '2', text: 'say "hi"' }]);
  const semi = path.join(dir, 's.csv');
  fs.writeFileSync(semi, 'id;text\n007;"a; b, c"\n2;"say ""hi"""\n');
  assert.deepEqual((await records(semi, 0, ';')).out, want);
  assert.deepEqual((await records(semi, 1, ';')).out, want.slice(1), 'resumed after row 1');
  const pipe = path.join(dir, 'p.tsv');
  fs.writeFileSync(pipe, 'id|text\n007|"a; b, c"\n2|"say ""hi"""\n');
  assert.deepEqual((await records(pipe, 0, '|')).out, want);
  const tab = path.join(dir, 't.csv');
  fs.writeFileSync(tab, 'id\ttext\n007\t"a; b, c"\n2\t"say ""hi"""\n');
  assert.deepEqual((await records(tab, 0, '\\t')).out, want);

  await assert.rejects(records(semi), (e: Error) => e.message === `${semi}: cannot be read as csv: its header has one field and holds ";", the delimiter in use being ",": pass --csv-delimiter ';' (csv_delimiter in YAML) to read it as ";"-separated.`);
  assert.match(headerProblem('id\ttext\n1\tx\n', ',') ?? '', /pass --csv-delimiter '\\t'/);
  assert.match(headerProblem('id|text\n', '\t') ?? '', /holds "\|", the delimiter in use being "\\t": pass --csv-delimiter '\|'/);
  assert.equal(headerProblem('id;text\n', ';'), null);
  assert.equal(headerProblem('text\nhello; there\n', ','), null, 'a one-column file whose rows hold ";" is fine');

  const ragged = path.join(dir, 'r.csv');
  fs.writeFileSync(ragged, 'a;b\n1;"x, y"\n2;z;extra\n');
  await assert.rejects(records(ragged, 0, ';'), (e: Error) => e.message.startsWith(`${ragged}: cannot be read as csv: row 2 (line 3 when no field spans lines) has 3 fields, the header 2: quote the field that holds the delimiter ("a; b"), or fix or remove that row`));
});
