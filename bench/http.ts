/**
 * npm run bench:http — the HTTP client at LLM width: a 4096-d static model folder (Model2Vec
 * layout, generated the way the tests generate models) served by `semclust serve` in its own
 * process on 127.0.0.1, embedded by this process's client with base64 and with float JSON.
 * Prints rows/s and the client's CPU per 1,000 rows (this process only: the server is another
 * process), and what that CPU means for a run against 8 servers.
 *
 * Then the long run (issue 19): the embed stage's streaming path at semclust's defaults against
 * a TEI stand-in at its defaults (32 inputs a request, 512 tokens, precomputed 4096-d vectors
 * sent as base64, one request in 500 answered 429 overloaded), 0.1% of the rows over the token
 * limit; each row count in its own process (bench/http-long-client.ts): client CPU per 1,000
 * rows, peak RSS and its ratio between the largest and smallest count (memory must not grow
 * with rows), requests retried, rows truncated.
 *
 *   npm run bench:http [-- ROWS [LONG_ROWS,…]]   (default 4,000 SOTU passages; 200000,2000000; ROWS 0 skips the first part)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openHttpEmbedder } from '../operators/embedders/openai-http.js';
import { startServedModel } from '../test/support/served-models.js';
import { sotuPassages } from '../scripts/sotu-corpus.js';
import { REPO_ROOT } from '../scripts/repo-root.js';
import { writeStaticModel } from '../test/support/model2vec.js';

const ROWS = Number(process.argv[2] ?? 4000);
const LONG_ROWS = (process.argv[3] ?? '200000,2000000').split(',').map(Number);
const DIMS = 4096;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'semclust-bench-http-'));

if (ROWS > 0) await shortRun();
await longRun();
fs.rmSync(work, { recursive: true, force: true });

async function shortRun(): Promise<void> {
  const model = await writeStaticModel(path.join(work, 'model-4096'), { seed: 1, dims: DIMS, layout: 'model2vec' });
  const texts = [...sotuPassages()].slice(0, ROWS).map((p) => p.text);

  const server = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'semclust.js'), 'serve', '--port', '0', '--embedding-model', model.dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    server.stderr!.on('data', (d) => {
      err += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/v1)\/embeddings/.exec(err);
      if (m) resolve(m[1]);
    });
    server.on('exit', () => reject(new Error(`serve exited: ${err}`)));
  });

  console.log(`bench:http — ${ROWS.toLocaleString('en-US')} texts, ${DIMS}-d vectors from \`semclust serve\` (its own process) on 127.0.0.1; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  try {
    for (const encoding of ['base64', 'float'] as const) {
      for (const concurrency of [1, 4]) {
        const client = await openHttpEmbedder({ endpoint: url, model: path.basename(model.dir), encoding, maxConcurrency: concurrency, requestBatchSize: 64 });
        await client.embed(texts.slice(0, 256)); // warm: connections, JIT
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < texts.length; i += 512) await client.embed(texts.slice(i, i + 512));
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const cpuMsPer1000 = ((cpu.user + cpu.system) / 1000 / texts.length) * 1000;
        await client.close();
        const clientMax = 1_000_000 / cpuMsPer1000;
        console.log(
          `  ${encoding.padEnd(6)} concurrency ${concurrency}: ${Math.round(texts.length / seconds).toLocaleString('en-US').padStart(7)} rows/s  ` +
            `client CPU ${cpuMsPer1000.toFixed(0).padStart(5)} ms per 1,000 rows (one client core decodes ${Math.round(clientMax).toLocaleString('en-US')} rows/s)`,
        );
      }
    }
    console.log(
      '  8 servers of a 4096-d 8B model at an assumed 500 rows/s each need 4,000 rows/s from the client: compare with the base64 "one client core decodes" figure.',
    );
  } finally {
    server.kill('SIGTERM');
  }
}

/** `rows` JSONL rows; every thousandth (from row 500) has 600 words, over TEI's 512 tokens. */
function writeLongRunInput(rows: number): string {
  const file = path.join(work, `long-${rows}.jsonl`);
  const long = Array.from({ length: 600 }, (_, w) => `w${w % 97}`).join(' ');
  const out = fs.openSync(file, 'w');
  for (let from = 0; from < rows; from += 100_000) {
    const lines: string[] = [];
    for (let i = from; i < Math.min(rows, from + 100_000); i++) lines.push(`{"text":${JSON.stringify(i % 1000 === 500 ? `${i} ${long}` : `row ${i} card payment pending ${i % 89}`)}}`);
    fs.writeSync(out, lines.join('\n') + '\n');
  }
  fs.closeSync(out);
  return file;
}

async function longRun(): Promise<void> {
  const tei = await startServedModel({ kind: 'tei', dims: DIMS, record: false, overloadEvery: 500 });
  console.log(`\nlong run — TEI stand-in at its defaults (32 inputs a request, 512 tokens, ${DIMS}-d base64, 1 request in 500 answered 429), 0.1% of rows over the limit; client at semclust's defaults, each count in its own process; load ${os.loadavg()[0].toFixed(1)}`);
  const results: { rows: number; maxRssMiB: number }[] = [];
  try {
    for (const rows of LONG_ROWS) {
      const file = writeLongRunInput(rows);
      const before = { requests: tei.requests, refused: new Map(tei.refused), truncated: tei.truncated };
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'bench', 'http-long-client.js'), tei.url, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      fs.rmSync(file, { force: true });
      if (code !== 0) throw new Error(`long-run client for ${rows} rows exited with ${code}`);
      const r = JSON.parse(out.trim().split('\n').at(-1)!);
      const delta = (status: number) => (tei.refused.get(status) ?? 0) - (before.refused.get(status) ?? 0);
      results.push({ rows, maxRssMiB: r.maxRssMiB });
      console.log(
        `  ${rows.toLocaleString('en-US').padStart(9)} rows: ${Math.round(rows / r.seconds).toLocaleString('en-US').padStart(6)} rows/s  client CPU ${r.cpuMsPer1000.toFixed(0)} ms per 1,000 rows  ` +
          `peak RSS ${r.maxRssMiB.toFixed(0)} MiB  requests ${(tei.requests - before.requests).toLocaleString('en-US')} (413 refused ${delta(413)}, 429 overloaded ${delta(429)})  ` +
          `retried ${r.retries}  truncated ${r.usage.truncated} (server cut ${tei.truncated - before.truncated})  rows out ${r.rows.toLocaleString('en-US')}, rejected ${r.rejected}  tokens ${r.usage.total_tokens.toLocaleString('en-US')}`,
      );
    }
    if (results.length > 1) {
      const [small, large] = [results[0], results[results.length - 1]];
      console.log(`  peak RSS ${large.rows.toLocaleString('en-US')} / ${small.rows.toLocaleString('en-US')} rows: ${(large.maxRssMiB / small.maxRssMiB).toFixed(2)} (goal ≤ 1.3)`);
    }
  } finally {
    await tei.close();
  }
}
