import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PartLedger } from '../../../operators/store/part-ledger.js';
import { tempDir } from '../../support/paths.js';

interface Done {
  rows: number;
  file: string;
}

test('a ledger whose folder does not exist yet has no parts and an empty prefix', () => {
  const ledger = new PartLedger<Done>(path.join(tempDir('ledger'), 'progress', 'embed'));
  assert.equal(ledger.entries().size, 0);
  assert.deepEqual(ledger.prefix(), []);
});

test('recorded parts read back by number, one file per part, and the prefix stops at the first gap', () => {
  const dir = path.join(tempDir('ledger'), 'progress', 'embed');
  const ledger = new PartLedger<Done>(dir);
  const entry = (part: number): Done => ({ rows: 100 + part, file: `part-${part}.parquet` });
  for (const part of [3, 0, 1, 12]) ledger.record(part, entry(part));
  const all = ledger.entries();
  assert.deepEqual([...all.keys()].sort((a, b) => a - b), [0, 1, 3, 12]);
  for (const [part, e] of all) assert.deepEqual(e, entry(part));
  assert.deepEqual(ledger.prefix(), [entry(0), entry(1)], 'part 2 is missing, so an in-order writer resumes after part 1');
  assert.equal(fs.readdirSync(dir).length, 4, 'no temp file is left beside the parts');
  ledger.record(2, entry(2));
  assert.deepEqual(ledger.prefix(), [0, 1, 2, 3].map(entry));
});

test('two writers on one folder (threads, shards) see each other\'s parts; re-recording a part replaces it', () => {
  const dir = tempDir('ledger');
  const a = new PartLedger<Done>(dir);
  const b = new PartLedger<Done>(dir);
  a.record(0, { rows: 1, file: 'a' });
  b.record(1, { rows: 2, file: 'b' });
  assert.deepEqual(new PartLedger<Done>(dir).prefix(), [{ rows: 1, file: 'a' }, { rows: 2, file: 'b' }]);
  b.record(0, { rows: 7, file: 'b0' });
  assert.deepEqual(a.entries().get(0), { rows: 7, file: 'b0' });
});

test('files that are not finished part records (a writer\'s temp file, other names) are not taken for parts', () => {
  const dir = tempDir('ledger');
  const ledger = new PartLedger<Done>(dir);
  ledger.record(0, { rows: 5, file: 'x' });
  // What a writer killed before its rename leaves behind (write-file-atomic.ts tempPathFor).
  fs.writeFileSync(path.join(dir, 'part-00001.json.4242.tmp'), '{"rows":');
  fs.writeFileSync(path.join(dir, 'notes.json'), '{}');
  assert.deepEqual([...ledger.entries().keys()], [0]);
  assert.deepEqual(ledger.prefix(), [{ rows: 5, file: 'x' }]);
});
