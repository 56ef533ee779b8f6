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
import { startServedModel, type ServedModel } from '../support/served-models.js';

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

/** Requests the server answered with vectors (its 413s for a long input are not in the client's count). */
const answered = (m: ServedModel) => m.requests - [...m.refused.values()].reduce((a, b) => a + b, 0);

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
    assert.match(r.stdout, /truncated=100\b/, 'the summary (on stdout, with the other results) counts them');
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

test('embed as 2 shards, then merge: the manifest sums every input unit\'s tokens, requests and truncated rows as TEI counted them', { timeout: 120_000 }, async () => {
  const dir = tempDir('served-shards');
  const input = writeInput(dir, 3000);
  const tei = await startServedModel({ kind: 'tei', dims: 32, record: false });
  try {
    const out = path.join(dir, 'out');
    const flags = ['--embedding-endpoint', tei.url, '--embedding-model', 'm', '--shard-unit-bytes', '16384', '--cost-per-million-tokens', '0.02', '--quiet'];
    for (const shard of ['0/2', '1/2']) {
      const r = await runCli(['embed', input, out, ...flags, '--shard', shard]);
      assert.equal(r.code, 0, r.stderr);
    }
    const merged = await runCli(['merge', out]);
    assert.equal(merged.code, 0, merged.stderr);
    const s = embedStats(out);
    assert.equal(s.shards, 2);
    assert.equal(s.embedded, 3000);
    assert.equal(s.truncated, 3);
    assert.equal(tei.truncated, 3);
    assert.equal(s.total_tokens, tei.tokens);
    assert.equal(s.prompt_tokens, tei.tokens);
    assert.equal(s.requests, answered(tei));
    assert.equal(s.server_kind, 'tei');
    assert.equal(s.estimated_cost, Number(((tei.tokens / 1e6) * 0.02).toFixed(6)));
  } finally {
    await tei.close();
  }
});

test('a resumed embed still counts the tokens of the parts it kept: its totals are what TEI counted for them plus for the rest', { timeout: 120_000 }, async () => {
  const dir = tempDir('served-resume');
  const input = writeInput(dir, 3000);
  const tei = await startServedModel({ kind: 'tei', dims: 32, record: false });
  try {
    const out = path.join(dir, 'out');
    const args = ['embed', input, out, '--embedding-endpoint', tei.url, '--embedding-model', 'm', '--part-rows', '500', '--quiet'];
    assert.equal((await runCli(args)).code, 0);
    // As a crash after part 2 leaves it: three parts durable in the ledger, the stage running.
    const manifestFile = path.join(out, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    manifest.stages.embed.status = 'running';
    delete manifest.stages.embed.stats;
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const ledger = path.join(out, 'progress', 'embed');
    for (const f of fs.readdirSync(ledger).filter((f) => Number(/part-(\d+)/.exec(f)?.[1]) >= 3)) fs.rmSync(path.join(ledger, f));
    const kept = JSON.parse(fs.readFileSync(path.join(ledger, 'part-00002.json'), 'utf8')).usage;
    assert.ok(kept.total_tokens > 0, 'each ledger entry records the counts at its cut');
    const before = { tokens: tei.tokens, requests: answered(tei), truncated: tei.truncated };

    const r = await runCli(args);
    assert.equal(r.code, 0, r.stderr);
    const s = embedStats(out);
    assert.equal(s.resumed_parts, 3);
    assert.equal(s.embedded, 3000);
    assert.equal(s.total_tokens, kept.total_tokens + tei.tokens - before.tokens);
    assert.equal(s.requests, kept.requests + answered(tei) - before.requests);
    assert.equal(s.truncated, kept.truncated + tei.truncated - before.truncated);
    // Every row was embedded once at least: no fewer tokens than its words.
    const words = fs.readFileSync(input, 'utf8').trim().split('\n').reduce((n, l) => n + Math.min(512, String(JSON.parse(l).text).split(' ').length), 0);
    assert.ok(s.total_tokens >= words, `${s.total_tokens} tokens < ${words} words`);
  } finally {
    await tei.close();
  }
});
