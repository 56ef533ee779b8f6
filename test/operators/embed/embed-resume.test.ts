import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDINGS, FILES, ROWS } from '../../../schemas/tables.js';
import { keepEmbedParts, type KeepOptions } from '../../../operators/embed/embed-resume.js';
import { EmbedPartsWriter } from '../../../operators/embed/write-embed-parts.js';
import { PartLedger } from '../../../operators/store/part-ledger.js';
import { STDIN } from '../../../operators/input/read-lines.js';
import type { FileStat } from '../../../operators/input/input-identity.js';
import { DIMS, embeddedBatch, idOf } from '../../support/embedded-batch.js';
import { tempDir } from '../../support/paths.js';

const FILES_SEEN: FileStat[] = [{ path: '../in.jsonl', size: 1234, mtime_ms: 1 }];

/** An attempt that finished 3 parts of 4 rows (one reject each) and was killed while writing a 4th. */
async function interruptedRun() {
  const outDir = tempDir('resume');
  const rejectsFile = path.join(outDir, FILES.rejects);
  fs.writeFileSync(rejectsFile, '');
  const ledger = new PartLedger<unknown>(path.join(outDir, 'progress', 'embed'));
  let line = 0;
  const writer = new EmbedPartsWriter({
    outDir,
    dims: DIMS,
    partRows: 4,
    rejectsFile,
    ledger,
    start: { parts: 0, rows: 0, embedded: 0, rejected: 0, rejectsBytes: 0 },
    checkpoint: () => ({ position: { source: 0, line, byte: line * 10, digestState: null }, digests: [], rejects: { lines: line, byReason: {} }, files: FILES_SEEN }),
  });
  for (let p = 0; p < 3; p++) {
    line = p * 4 + 4;
    await writer.write(embeddedBatch(p * 3, p * 3 + 3, { rejectLines: [p * 4 + 2], repeats: p === 2 ? [6] : [] }));
  }
  await writer.finish();
  const keptBytes = fs.statSync(rejectsFile).size;
  // What the killed attempt left after the last recorded part: a 4th part's files, a stray ledger entry, more rejects.
  for (const dir of [ROWS.path, EMBEDDINGS.path]) fs.copyFileSync(path.join(outDir, dir, 'part-00000.parquet'), path.join(outDir, dir, 'part-00003.parquet'));
  ledger.record(5, { part: 5 });
  fs.appendFileSync(rejectsFile, '{"line": 999}\n');
  return { outDir, ledger, keptBytes };
}

function options(over: Partial<KeepOptions> & Pick<KeepOptions, 'outDir' | 'ledger'>) {
  const said: string[] = [];
  let restarts = 0;
  const o: KeepOptions = { resuming: true, sources: ['in.jsonl'], files: FILES_SEEN, restart: () => restarts++, log: (m) => said.push(m), ...over };
  return { o, said, restarts: () => restarts };
}

test('a resume keeps the recorded parts and their totals, removes what came after, and knows the ids embedded', async () => {
  const { outDir, ledger, keptBytes } = await interruptedRun();
  const { o, said, restarts } = options({ outDir, ledger });
  const kept = keepEmbedParts(o);
  assert.equal(restarts(), 0);
  assert.equal(kept.parts, 3);
  assert.deepEqual(kept.totals, { parts: 3, rows: 9, embedded: 8, rejected: 3, rejectsBytes: keptBytes });
  assert.deepEqual(kept.checkpoint!.position, { source: 0, line: 12, byte: 120, digestState: null });
  for (const dir of [ROWS.path, EMBEDDINGS.path]) assert.deepEqual(fs.readdirSync(path.join(outDir, dir)).sort(), ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']);
  assert.deepEqual([...ledger.entries().keys()].sort(), [0, 1, 2]);
  assert.equal(fs.statSync(kept.rejectsFile).size, keptBytes);
  assert.ok(!fs.readFileSync(kept.rejectsFile, 'utf8').includes('999'));
  for (let i = 0; i < 9; i++) assert.equal(kept.seen!.add(idOf(i)), i === 6, idOf(i));
  assert.match(said[0], /keeping 3 finished parts \(9 rows\); reading on from line 12 of input 1/);
});

test('a fresh start (not resuming) empties the rejects file and keeps nothing', async () => {
  const { outDir, ledger } = await interruptedRun();
  const kept = keepEmbedParts(options({ outDir, ledger, resuming: false }).o);
  assert.deepEqual([kept.parts, kept.checkpoint, kept.seen], [0, null, null]);
  assert.equal(fs.readFileSync(path.join(outDir, FILES.rejects), 'utf8'), '');
});

test('changed inputs, stdin, or no recorded part: the attempt starts again, saying why', async () => {
  const cases: [string, (o: { outDir: string; ledger: PartLedger<unknown> }) => Partial<KeepOptions>][] = [
    ['the input files changed', () => ({ files: [{ ...FILES_SEEN[0], size: 1235 }] })],
    ['stdin cannot be read again', () => ({ sources: [STDIN] })],
    ['recorded no first part', ({ outDir }) => ({ ledger: new PartLedger<unknown>(path.join(outDir, 'progress', 'none')) })],
  ];
  for (const [why, change] of cases) {
    const run = await interruptedRun();
    const { o, said, restarts } = options({ ...run, ...change(run) });
    const kept = keepEmbedParts(o);
    assert.equal(restarts(), 1, why);
    assert.equal(kept.parts, 0, why);
    assert.match(said[0], new RegExp(`${why}.*; starting again`), why);
  }
});
