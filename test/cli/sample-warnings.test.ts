import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { runCli } from '../support/cli.js';

test('semclust sample warns above 30% HDBSCAN noise with the commands that fix it, and the first of them does', async () => {
  const out = path.join(tempDir('noise-warning'), 'out');
  const infer = await runCli(['infer', sotuJsonl(400), out, '--cluster-alg', 'hdbscan', '--hdbscan-min-cluster-size', '10', '--hdbscan-min-samples', '5', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);
  const r = await runCli(['sample', out, '--sample-size', '20', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const m = /sample: warning: (\d+)% of the rows \((\d+) of 400\) are noise and are never picked; to cluster more of them: semclust infer (\S+) --hdbscan-assign-noise .*or refit with a lower --hdbscan-min-samples \(now 5\) or --hdbscan-min-cluster-size \(now 10\): semclust fit \S+ --hdbscan-min-samples 2/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.ok(Number(m[2]) > 120, `${m[2]} noise rows`);
  assert.equal(m[3], out);

  const fixed = await runCli(['infer', out, '--hdbscan-assign-noise', '--quiet']);
  assert.equal(fixed.code, 0, fixed.stderr);
  const again = await runCli(['sample', out, '--sample-size', '20', '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /noise/);
});
