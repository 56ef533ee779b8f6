import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { embeddingsById } from '../../operators/parquet/read-embeddings.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { runCli, startCli } from '../support/cli.js';

test('semclust embed through `semclust serve` gives the local vectors', { timeout: 120_000 }, async () => {
  const dir = tempDir('serve');
  const input = sotuJsonl(700);
  const distinct = new Set(fs.readFileSync(input, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text)).size;
  const server = startCli(['serve', '--port', '0']);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      server.child.stderr!.on('data', (d) => {
        err += d;
        const m = /at (http:\/\/127\.0\.0\.1:\d+\/v1)\/embeddings/.exec(err);
        if (m) resolve(m[1]);
      });
      server.child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
    });
    const remote = await runCli(['embed', input, path.join(dir, 'remote'), '--embedding-endpoint', url, '--embedding-model', 'static', '--max-concurrency', '4', '--batch-size', '64', '--quiet']);
    assert.equal(remote.code, 0, remote.stderr);
  } finally {
    server.child.kill('SIGTERM');
    await server.done;
  }
  const local = await runCli(['embed', input, path.join(dir, 'local'), '--quiet']);
  assert.equal(local.code, 0, local.stderr);
  const a = embeddingsById(path.join(dir, 'local')).byId;
  const b = embeddingsById(path.join(dir, 'remote')).byId;
  assert.equal(a.size, distinct);
  assert.equal(b.size, a.size);
  let maxDiff = 0;
  for (const [id, v] of a) {
    const w = b.get(id);
    assert.ok(w, `missing ${id}`);
    for (let j = 0; j < v.length; j++) maxDiff = Math.max(maxDiff, Math.abs(v[j] - w[j]));
  }
  assert.ok(maxDiff <= 1e-6, `max abs diff ${maxDiff}`);
});
