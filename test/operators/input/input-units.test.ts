/** Input units (operators/input/input-units.ts) against brute force on generated files. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import { createRng } from '../../../core/util/random.js';
import { countNewlines, listUnits, unitsOfSource } from '../../../operators/input/input-units.js';
import { readLines } from '../../../operators/input/read-lines.js';
import { tempDir } from '../../support/paths.js';

const dir = tempDir('units');

test('every line belongs to the unit its start falls in (floor(start / size)); units tile the file', () => {
  const rng = createRng(7);
  // Short and long lines (some longer than a unit), CRLF, and no newline at the end.
  const lines = Array.from({ length: 400 }, (_, i) => 'x'.repeat(rng.int(i % 50 === 0 ? 3000 : 120)) + (i % 7 === 0 ? '\r' : ''));
  const file = path.join(dir, 'a.jsonl');
  fs.writeFileSync(file, lines.join('\n'));
  const bytes = fs.readFileSync(file);
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a && i + 1 < bytes.length) starts.push(i + 1);
  for (const size of [1, 64, 1000, 4096, bytes.length, bytes.length * 2]) {
    const units = unitsOfSource(file, size, 3);
    assert.equal(units[0].start, 0);
    assert.equal(units[units.length - 1].end, bytes.length);
    units.forEach((u, i) => {
      assert.equal(u.unit, 3 + i);
      if (i > 0) assert.equal(u.start, units[i - 1].end);
    });
    assert.equal(units.length, Math.ceil(bytes.length / size));
    for (const p of starts) {
      const owner = units.find((u) => u.start <= p && p < u.end)!;
      assert.equal(owner.unit - 3, Math.floor(p / size), `line at byte ${p}, unit size ${size}`);
    }
  }
});

test('a gzip file is one unit, numbering runs across files, stdin is refused', () => {
  const plain = path.join(dir, 'b.jsonl');
  fs.writeFileSync(plain, 'one\ntwo\nthree\n');
  const gz = path.join(dir, 'c.jsonl.gz');
  fs.writeFileSync(gz, zlib.gzipSync('x\n'.repeat(5000)));
  const units = listUnits([plain, gz, plain], 5);
  // 14 bytes in units of 5: "one\ntwo\n" (nominal 0), "three\n" (nominal 5, cut after "two\n"), and an
  // empty third (nominal 10 falls inside "three", which belongs to the second).
  assert.deepEqual(units.map((u) => [u.unit, u.source === gz, u.whole, u.start, u.end]), [
    [0, false, false, 0, 8],
    [1, false, false, 8, 14],
    [2, false, false, 14, 14],
    [3, true, true, 0, fs.statSync(gz).size],
    [4, false, false, 0, 8],
    [5, false, false, 8, 14],
    [6, false, false, 14, 14],
  ]);
  assert.throws(() => listUnits([plain, '-'], 5), /stdin cannot be sharded/);
});

test('countNewlines counts the newlines of a byte range', async () => {
  const file = path.join(dir, 'd.jsonl');
  const text = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  fs.writeFileSync(file, text);
  for (const [from, to] of [[0, text.length], [5, 5], [10, 20000], [17, text.length]]) {
    assert.equal(await countNewlines(file, from, to), text.slice(from, to).split('\n').length - 1);
  }
});

test('one process reading with unitBytes ends a batch exactly where each unit ends, across files', async () => {
  const rng = createRng(11);
  const a = path.join(dir, 'c.jsonl');
  const b = path.join(dir, 'd.jsonl');
  fs.writeFileSync(a, Array.from({ length: 900 }, (_, i) => JSON.stringify({ text: 'w'.repeat(rng.int(i % 97 === 0 ? 900 : 60)) })).join('\n') + '\n');
  fs.writeFileSync(b, Array.from({ length: 300 }, () => JSON.stringify({ text: 'v'.repeat(rng.int(80)) })).join('\n') + '\n');
  for (const size of [512, 4096, 10_000]) {
    const units = listUnits([a, b], size).filter((u) => u.end > u.start);
    // Each unit's end as the position a batch ends at: (file, byte), the last unit of a file at the next file's start.
    const want = units.map((u, i) => (units[i + 1]?.source === u.source ? `${u.source}@${u.end}` : `next@${u.source}`));
    const got: string[] = [];
    let lines = 0;
    for await (const batch of readLines([a, b], { maxLineBytes: 1 << 20, batchLines: 50, unitBytes: size })) {
      lines += batch.lines.length;
      if (!batch.endsUnit) continue;
      const src = [a, b][batch.end.source];
      got.push(src === undefined || batch.end.byte === 0 ? `next@${[a, b][batch.end.source - 1]}` : `${src}@${batch.end.byte}`);
    }
    assert.equal(lines, 1200);
    // The input's last unit ends with the last batch, which needs no mark.
    assert.deepEqual(got, want.slice(0, -1), `unit size ${size}`);
  }
});
