import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AtomicFileWriter, tempPathFor, writeFileAtomic } from '../../../operators/store/write-file-atomic.js';
import { tempDir } from '../../support/paths.js';

test('writeFileAtomic writes every byte of a string or a typed array view, making folders, leaving no temp file', () => {
  const dir = tempDir('atomic');
  const file = path.join(dir, 'a', 'b', 'x.bin');
  const big = new Uint8Array(3 << 20).map((_, i) => (i * 31) & 0xff);
  writeFileAtomic(file, big.subarray(7, big.length - 5));
  assert.deepEqual(new Uint8Array(fs.readFileSync(file)), big.subarray(7, big.length - 5));
  writeFileAtomic(file, 'héllo\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'héllo\n');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['x.bin']);
});

test('a write that cannot complete leaves what was there, removes its temp file and names the file', () => {
  const dir = tempDir('atomic');
  // A non-empty folder where the file should go: the final rename fails.
  const file = path.join(dir, 'summary.json');
  fs.mkdirSync(file);
  fs.writeFileSync(path.join(file, 'keep'), 'kept');
  assert.throws(
    () => writeFileAtomic(file, '{"new": true}'),
    (e: Error & { code?: string }) => e.message.startsWith(`cannot write ${file}: `) && e.message.endsWith('the previous version, if any, is intact') && typeof e.code === 'string',
  );
  assert.equal(fs.readFileSync(path.join(file, 'keep'), 'utf8'), 'kept');
  assert.equal(fs.existsSync(tempPathFor(file)), false);
});

test('AtomicFileWriter: the file appears, whole, only on commit; abort keeps the previous version', () => {
  const dir = tempDir('atomic');
  const file = path.join(dir, 'sample.jsonl');
  fs.writeFileSync(file, 'old\n');
  const w = new AtomicFileWriter(file);
  w.write('{"a":1}\n');
  w.write(Buffer.from('{"a":2}\n'));
  assert.equal(fs.readFileSync(file, 'utf8'), 'old\n', 'readers see the old file until commit');
  w.commit();
  assert.equal(fs.readFileSync(file, 'utf8'), '{"a":1}\n{"a":2}\n');

  const aborted = new AtomicFileWriter(file);
  aborted.write('half');
  aborted.abort();
  assert.equal(fs.readFileSync(file, 'utf8'), '{"a":1}\n{"a":2}\n');
  assert.deepEqual(fs.readdirSync(dir), ['sample.jsonl']);
});
