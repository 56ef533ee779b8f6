/**
 * `semclust embed` against stand-ins of TEI and vLLM at their defaults (issue 19): 100,000
 * rows of which 0.1% are over the token limit finish with exit 0, the long rows truncated by
 * the server (and counted) or in rejects.jsonl as too_long; a server that takes 8 inputs a
 * request; the manifest's token totals equal what the server counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { startServedModel } from '../support/served-models.js';

const ROWS = 100_000;
/** Every thousandth row has 600 words, over the 512-token limit. */
const isLong = (i: number) => i % 1000 === 500;

function writeInput(dir: string, rows: number): string {
  const file = path.join(dir, 'input.jsonl');
  const longText = Array.from({ length: 600 }, (_, w) => `t${w % 50}`).join(' ');
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ text: isLong(i) ? `${i} ${longText}` : `row ${i} card payment ${i % 17}` }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const embedStats = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.embed.stats;

test('TEI stand-in at its defaults, semclust at its own: 100,000 rows with 0.1% too long → exit 0, the long rows truncated by the server and counted; tokens as TEI counted', { timeout: 300_000 }, async () => {
  const dir = tempDir('served-tei');
  const input = writeInput(dir, ROWS);
  const tei = await startServedModel({ kind: 'tei', dims: 32, record: false });
  try {
    const out = path.join(dir, 'out');
    const r = await runCli(['embed', input, out, '--embedding-endpoint', tei.url, '--embedding-model', 'm', '--cost-per-million-tokens', '0.02']);
    assert.equal(r.code, 0, r.stderr);
    const s = embedStats(out);
    assert.equal(s.rows, ROWS);
    assert.equal(s.embedded, ROWS);
    assert.equal(s.rejected, 0);
    assert.equal(s.truncated, ROWS / 1000);
    assert.equal(tei.truncated, ROWS / 1000);
    assert.equal(s.server_kind, 'tei');
    assert.equal(s.request_batch_size, 32);
    assert.equal(s.prompt_tokens, tei.tokens);
    assert.equal(s.total_tokens, tei.tokens);
    assert.equal(s.estimated_cost, Number(((tei.tokens / 1e6) * 0.02).toFixed(6)));
    assert.match(r.stderr, new RegExp(`embed: ${tei.tokens.toLocaleString('en-US')} tokens at 0.02 per million tokens`));
    assert.match(r.stderr, /truncated=100\b/, 'the summary counts them');
  } finally {
    await tei.close();
  }
});

test('vLLM stand-in at its defaults with --truncate reject: 100,000 rows → exit 0, the 0.1% too long in rejects.jsonl with reason too_long, their length and the limit', { timeout: 300_000 }, async () => {
  const dir = tempDir('served-vllm');
  const input = writeInput(dir, ROWS);
  const vllm = await startServedModel({ kind: 'vllm', dims: 32, model: 'm', record: false });
  try {
    const out = path.join(dir, 'out');
    const r = await runCli(['embed', input, out, '--embedding-endpoint', vllm.url, '--embedding-model', 'm', '--truncate', 'reject', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const s = embedStats(out);
    assert.equal(s.rows + s.rejected, ROWS);
    assert.equal(s.rejected, ROWS / 1000);
    assert.equal(s.too_long, ROWS / 1000);
    assert.deepEqual(s.rejected_by_reason, { too_long: ROWS / 1000 });
    assert.equal(s.server_kind, 'vllm');
    assert.equal(s.prompt_tokens, vllm.tokens);
    const rejects = fs.readFileSync(path.join(out, 'rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rejects.length, ROWS / 1000);
    assert.deepEqual(rejects.map((x) => x.line), Array.from({ length: ROWS / 1000 }, (_, k) => k * 1000 + 501), 'each long row by its line (1-based)');
    assert.ok(rejects.every((x) => x.reason === 'too_long' && /601 tokens, the server takes at most 512/.test(x.detail)), JSON.stringify(rejects[0]));
  } finally {
    await vllm.close();
  }
});

test('a server that takes 8 inputs a request: the run completes and says it reduced the request size', { timeout: 120_000 }, async () => {
  const dir = tempDir('served-8');
  const input = writeInput(dir, 3000);
  const tei = await startServedModel({ kind: 'tei', dims: 32, maxBatch: 8, record: false });
  try {
    const out = path.join(dir, 'out');
    const r = await runCli(['embed', input, out, '--embedding-endpoint', tei.url, '--embedding-model', 'm', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/server takes at most 8 inputs a request; using 8/g)?.length, 1, r.stderr);
    const s = embedStats(out);
    assert.equal(s.request_batch_size, 8);
    assert.equal(s.embedded, 3000);
    assert.equal(s.truncated, 3);
  } finally {
    await tei.close();
  }
});
