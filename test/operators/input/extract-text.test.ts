import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { extractTexts, type RowBatch } from '../../../operators/input/extract-text.js';
import { readLines, resolveInputs } from '../../../operators/input/read-lines.js';
import type { Reject } from '../../../operators/input/reject.js';
import { tempDir } from '../../support/paths.js';

async function collect(inputs: string[], options: { maxLineBytes?: number; keyPath?: string; stdin?: NodeJS.ReadableStream; batchLines?: number } = {}) {
  const sources = await resolveInputs(inputs);
  const lines = readLines(sources, { maxLineBytes: options.maxLineBytes ?? 1000, stdin: options.stdin, batchLines: options.batchLines });
  const rows: RowBatch[] = [];
  for await (const b of extractTexts({ keyPath: options.keyPath ?? 'text' })(lines)) rows.push(b);
  return {
    texts: rows.flatMap((b) => b.texts),
    lines: rows.flatMap((b) => b.lines),
    sources: rows.flatMap((b) => b.sources),
    records: rows.flatMap((b) => b.records),
    rejects: rows.flatMap((b) => b.rejects) as Reject[],
    linesRead: rows.reduce((n, b) => n + b.linesRead, 0),
  };
}

test('every kind of bad line becomes a reject with its line number and reason; good rows all survive', async () => {
  const dir = tempDir('bad');
  const file = path.join(dir, 'bad.jsonl');
  const parts: Buffer[] = [
    Buffer.from('{"text": "good one"}\n'), // 1
    Buffer.from('{"text": "unterminated\n'), // 2 invalid_json
    Buffer.from('{"other": "no text key"}\n'), // 3 missing_key
    Buffer.from('{"text": 42}\n'), // 4 not_a_string
    Buffer.from('{"text": "   "}\n'), // 5 empty_text
    Buffer.concat([Buffer.from('{"text": "bad '), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]), // 6 invalid_utf8
    Buffer.from(`{"text": "${'x'.repeat(2000)}"}\n`), // 7 line_too_long
    Buffer.from('\n'), // 8 empty_line
    Buffer.from('{"text": "good two"}\r\n'), // 9 CRLF is fine
    Buffer.from('{"text": null}\n'), // 10 not_a_string
    Buffer.from('{"text": "good three"}'), // 11 no final newline
  ];
  fs.writeFileSync(file, Buffer.concat(parts));
  const r = await collect([file], { batchLines: 3 });
  assert.deepEqual(r.texts, ['good one', 'good two', 'good three']);
  assert.deepEqual(r.lines, [1, 9, 11]);
  assert.deepEqual(
    r.rejects.map((x) => [x.line, x.reason]).sort((a, b) => (a[0] as number) - (b[0] as number)),
    [[2, 'invalid_json'], [3, 'missing_key'], [4, 'not_a_string'], [5, 'empty_text'], [6, 'invalid_utf8'], [7, 'line_too_long'], [8, 'empty_line'], [10, 'not_a_string']],
  );
  assert.ok(r.rejects.every((x) => x.source === file));
  assert.equal(r.linesRead, 11);
});

test('an over-long line spanning many chunks is skipped without losing the lines after it', async () => {
  const dir = tempDir('long');
  const file = path.join(dir, 'long.jsonl');
  fs.writeFileSync(file, `{"text": "a"}\n{"text": "${'y'.repeat(3_000_000)}"}\n{"text": "b"}\n`);
  const r = await collect([file], { maxLineBytes: 1 << 20 });
  assert.deepEqual(r.texts, ['a', 'b']);
  assert.deepEqual(r.lines, [1, 3]);
  assert.equal(r.rejects.length, 1);
  assert.equal(r.rejects[0].reason, 'line_too_long');
  assert.equal(r.rejects[0].line, 2);
});

test('gzip files, globs and stdin read the same rows as the plain file', async () => {
  const dir = tempDir('gz');
  const body = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ text: `row ${i} ✓` })).join('\n') + '\n';
  fs.writeFileSync(path.join(dir, 'a.jsonl'), body);
  fs.writeFileSync(path.join(dir, 'b.jsonl.gz'), zlib.gzipSync(body));
  const plain = await collect([path.join(dir, 'a.jsonl')]);
  const gz = await collect([path.join(dir, 'b.jsonl.gz')]);
  const stdin = await collect(['-'], { stdin: Readable.from([Buffer.from(body.slice(0, 777)), Buffer.from(body.slice(777))]) });
  const globbed = await collect([path.join(dir, '*.jsonl*')]);
  assert.equal(plain.texts.length, 5000);
  assert.deepEqual(gz.texts, plain.texts);
  assert.deepEqual(stdin.texts, plain.texts);
  assert.deepEqual(stdin.sources[0], '<stdin>');
  assert.equal(globbed.texts.length, 10_000);
  await assert.rejects(resolveInputs([path.join(dir, 'nothing-*.jsonl')]), /matches no file/);
  // A folder stands for its data files, sorted; one with none is refused.
  assert.deepEqual(await resolveInputs([dir]), [path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl.gz')]);
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty);
  fs.writeFileSync(path.join(empty, 'README.md'), '# not data\n');
  await assert.rejects(resolveInputs([empty]), /is a folder with no \.parquet, \.csv, \.tsv or \.jsonl file in it/);
});

test('the record column keeps the original JSON line', async () => {
  const dir = tempDir('rec');
  const line = '{"text":"hello","meta":{"k":[1,2]}}';
  fs.writeFileSync(path.join(dir, 'r.jsonl'), line + '\n');
  const r = await collect([path.join(dir, 'r.jsonl')]);
  assert.deepEqual(r.records, [line]);
});
