/** A cut or damaged .gz input names the file, how far it got, and what was kept (issue 8 item 11). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { runCli } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir('gzip');
const whole = zlib.gzipSync(fs.readFileSync(sotuJsonl(6000)), { level: 1 });

test('a gzip file cut short: file, line and what is kept', async () => {
  const file = path.join(dir, 'cut.jsonl.gz');
  fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.7)));
  const out = path.join(dir, 'cut');
  const r = await runCli(['embed', file, out, '--part-rows', '1000', '--quiet']);
  assert.equal(r.code, 1);
  const m = /cut\.jsonl\.gz: the gzip data is cut short after line ([\d,]+) \(([\d,]+) compressed bytes read; zlib: unexpected end of file\)\. Lines before it in finished parts are kept and a rerun resumes after them; check the file with `gzip -t /.exec(r.stderr);
  assert.ok(m, r.stderr);
  const line = Number(m[1].replace(/,/g, ''));
  assert.ok(line > 3000 && line < 6000, `line ${line}`);
  // The parts finished before the error stay, each recorded for the rerun (how many depends on
  // how far the embedder was behind the reader when the damage was met).
  const parts = fs.existsSync(path.join(out, 'rows')) ? fs.readdirSync(path.join(out, 'rows')).filter((f) => f.endsWith('.parquet')) : [];
  const ledger = fs.existsSync(path.join(out, 'progress', 'embed')) ? fs.readdirSync(path.join(out, 'progress', 'embed')) : [];
  assert.equal(parts.length, ledger.length, 'every part left is a recorded, finished part');
});

test('damaged gzip data: the same, in zlib words for the damage', async () => {
  const file = path.join(dir, 'bad.jsonl.gz');
  const bad = Buffer.from(whole);
  bad[2] = 7; // the compression method: only 8 (deflate) exists
  fs.writeFileSync(file, bad);
  const r = await runCli(['embed', file, path.join(dir, 'bad'), '--part-rows', '1000', '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.jsonl\.gz: the gzip data is damaged after line 0 \([\d,]+ compressed bytes read; zlib: unknown compression method\)/);
});
