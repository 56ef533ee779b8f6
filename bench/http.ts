/**
 * npm run bench:http — the HTTP client at LLM width: a 4096-d static model folder (Model2Vec
 * layout, generated the way the tests generate models) served by `semclust serve` in its own
 * process on 127.0.0.1, embedded by this process's client with base64 and with float JSON.
 * Prints rows/s and the client's CPU per 1,000 rows (this process only: the server is another
 * process), and what that CPU means for a run against 8 servers.
 *
 *   npm run bench:http [-- ROWS]     (default 4,000 SOTU passages)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openHttpEmbedder } from '../operators/embedders/openai-http.js';
import { sotuPassages } from '../scripts/sotu-corpus.js';
import { REPO_ROOT } from '../scripts/repo-root.js';
import { writeStaticModel } from '../test/support/model2vec.js';

const ROWS = Number(process.argv[2] ?? 4000);
const DIMS = 4096;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'semclust-bench-http-'));
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
  fs.rmSync(work, { recursive: true, force: true });
}
