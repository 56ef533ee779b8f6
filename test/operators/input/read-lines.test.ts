import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { xxhash128 } from 'hash-wasm';
import { STDIN, contentDigest, isGzipFile, readLines, resolveInputs, totalInputBytes, type LineBatch, type ReadLinesOptions } from '../../../operators/input/read-lines.js';
import { tempDir } from '../../support/paths.js';

async function all(sources: string[], options: ReadLinesOptions): Promise<LineBatch[]> {
  const out: LineBatch[] = [];
  for await (const b of readLines(sources, options)) out.push(b);
  return out;
}
const located = (batches: LineBatch[]) => batches.flatMap((b) => b.lines.map((l, i) => `${b.sources[i]}:${b.lineNumbers[i]}:${l}`));

function corpus(dir: string): string[] {
  const a = path.join(dir, 'a.jsonl');
  const b = path.join(dir, 'b.jsonl.gz');
  const c = path.join(dir, 'c.jsonl');
  fs.writeFileSync(a, '\ufeff{"t":"first"}\r\n' + Array.from({ length: 40 }, (_, i) => `{"t":"a${i}"}`).join('\n') + '\n\n');
  fs.writeFileSync(b, zlib.gzipSync(Array.from({ length: 30 }, (_, i) => `{"t":"b${i} ünïcödé"}`).join('\n') + '\n'));
  fs.writeFileSync(c, Array.from({ length: 25 }, (_, i) => `{"t":"c${i}"}`).join('\n')); // no final newline
  return [a, b, c];
}

test('a BOM and CR are dropped, every line is numbered in its file, and the digests are xxh3-128 of each whole (decompressed) file', async () => {
  const sources = corpus(tempDir('lines'));
  const batches = await all(sources, { maxLineBytes: 1000, batchLines: 7 });
  const lines = located(batches);
  assert.equal(lines.length, 41 + 30 + 25);
  assert.equal(lines[0], `${sources[0]}:1:{"t":"first"}`);
  assert.equal(lines[41], `${sources[1]}:1:{"t":"b0 ünïcödé"}`);
  assert.equal(lines.at(-1), `${sources[2]}:25:{"t":"c24"}`);
  assert.deepEqual(batches.flatMap((b) => b.rejects).map((r) => [r.line, r.reason]), [[42, 'empty_line']]);
  const whole = [fs.readFileSync(sources[0]), zlib.gunzipSync(fs.readFileSync(sources[1])), fs.readFileSync(sources[2])];
  const expected = await Promise.all(whole.map((bytes) => xxhash128(bytes)));
  assert.deepEqual(batches.at(-1)!.digests, expected);
  assert.deepEqual(await Promise.all(sources.map(contentDigest)), expected);
  assert.equal(batches.at(-1)!.bytesRead, totalInputBytes(sources));
});

test('reading again from any batch\'s end gives exactly the rest, the same digests and byte count', async () => {
  const sources = corpus(tempDir('lines'));
  const options = { maxLineBytes: 1000, batchLines: 9 };
  const batches = await all(sources, options);
  const every = located(batches);
  let before = 0;
  for (const b of batches.slice(0, -1)) {
    before += b.lines.length;
    const rest = await all(sources, { ...options, start: { position: b.end, digests: b.digests } });
    assert.deepEqual(located(rest), every.slice(before), `resume after ${JSON.stringify(b.end)}`);
    assert.deepEqual(rest.at(-1)!.digests, batches.at(-1)!.digests);
    assert.equal(rest.at(-1)!.bytesRead, batches.at(-1)!.bytesRead);
  }
});

test('`end` stops at a byte of the first source, which a shard unit gives as a line start', async () => {
  const file = path.join(tempDir('lines'), 'x.jsonl');
  fs.writeFileSync(file, 'one\ntwo\nthree\nfour\n');
  const start = { position: { source: 0, line: 1, byte: 4, digestState: null }, digests: [] };
  const got = await all([file], { maxLineBytes: 100, start, end: 14 });
  assert.deepEqual(located(got), [`${file}:2:two`, `${file}:3:three`]);
});

test('a gzip file cut short fails naming the file, the last good line and the way to check it', async () => {
  const file = path.join(tempDir('lines'), 'cut.jsonl.gz');
  const full = zlib.gzipSync(Array.from({ length: 5000 }, (_, i) => `{"t":"line ${i} ${'x'.repeat(i % 50)}"}`).join('\n') + '\n');
  fs.writeFileSync(file, full.subarray(0, Math.floor(full.length * 0.6)));
  assert.ok(isGzipFile(file));
  await assert.rejects(all([file], { maxLineBytes: 1000 }), (e: Error) => {
    assert.match(e.message, new RegExp(`^${file.replace(/[.]/g, '\\.')}: the gzip data is cut short after line [\\d,]+ `));
    assert.match(e.message, new RegExp(`gzip -t ${file.replace(/[.]/g, '\\.')}`));
    return true;
  });
});

test('stdin is read from the given stream and has no digest or known size', async () => {
  const { Readable } = await import('node:stream');
  const got = await all([STDIN], { maxLineBytes: 100, stdin: Readable.from([Buffer.from('a\nb'), Buffer.from('c\n')]) });
  assert.deepEqual(located(got), ['<stdin>:1:a', '<stdin>:2:bc']);
  assert.deepEqual(got.at(-1)!.digests, [null]);
  assert.equal(totalInputBytes([STDIN]), null);
});

test('inputs: a folder stands for its data files, sorted; a glob for its matches; nothing matched is an error naming the input', async () => {
  const dir = tempDir('lines');
  fs.mkdirSync(path.join(dir, 'ds', 'data'), { recursive: true });
  for (const f of ['data/train-00001-of-00002.parquet', 'data/train-00000-of-00002.parquet', 'README.md', 'extra.csv.gz', 'notes.txt']) fs.writeFileSync(path.join(dir, 'ds', f), '');
  assert.deepEqual(await resolveInputs([path.join(dir, 'ds'), STDIN]), [
    ...['data/train-00000-of-00002.parquet', 'data/train-00001-of-00002.parquet', 'extra.csv.gz'].map((f) => path.join(dir, 'ds', f)),
    STDIN,
  ]);
  // tinyglobby gives an absolute pattern's matches relative to the working directory: the same files.
  assert.deepEqual((await resolveInputs([path.join(dir, 'ds', 'data', '*-of-*.parquet')])).map((f) => path.resolve(f)), ['00000', '00001'].map((n) => path.join(dir, 'ds', 'data', `train-${n}-of-00002.parquet`)));
  await assert.rejects(resolveInputs([path.join(dir, 'none-*.jsonl')]), { message: `input "${path.join(dir, 'none-*.jsonl')}" matches no file` });
  fs.mkdirSync(path.join(dir, 'empty'));
  await assert.rejects(resolveInputs([path.join(dir, 'empty')]), /is a folder with no \.parquet, \.csv, \.tsv or \.jsonl file in it/);
});
