import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../core/util/random.js';
import { tempDir } from '../support/paths.js';
import { runCli, queryRows } from '../support/cli.js';

const TOPICS = [
  ['card', 'arrived', 'delivery', 'post', 'mail', 'waiting', 'track', 'shipped'],
  ['exchange', 'rate', 'currency', 'euro', 'dollar', 'conversion', 'foreign', 'pound'],
  ['pin', 'blocked', 'locked', 'reset', 'forgot', 'code', 'unlock', 'attempts'],
];
const OTHER = ['weather', 'garden', 'piano', 'river', 'mountain', 'coffee', 'novel', 'bicycle', 'violin', 'harbour', 'tulip', 'glacier'];

test('infer --hdbscan-assign-noise relabels only the noise rows, marks them reassigned, keeps the fit, and counts them', async () => {
  const dir = tempDir('assign-noise');
  const rng = createRng(4);
  const lines: string[] = [];
  for (let i = 0; i < 240; i++) {
    const words = TOPICS[i % 3];
    lines.push(JSON.stringify({ text: Array.from({ length: 4 }, () => words[rng.int(words.length)]).join(' ') + ` n${i}` }));
  }
  for (let i = 0; i < 15; i++) lines.push(JSON.stringify({ text: Array.from({ length: 3 }, () => OTHER[rng.int(OTHER.length)]).join(' ') + ` x${i}` }));
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const out = path.join(dir, 'out');
  const flags = ['--cluster-alg', 'hdbscan', '--hdbscan-min-cluster-size', '20', '--hdbscan-min-samples', '5', '--quiet'];
  const first = await runCli(['infer', file, out, ...flags]);
  assert.equal(first.code, 0, first.stderr);
  const before = new Map((await queryRows(out, 'SELECT id, cluster, probability FROM labels')).map((r) => [r.id as string, r]));
  const noise = [...before.values()].filter((r) => Number(r.cluster) < 0).length;
  assert.ok(noise > 0, 'the corpus has noise');
  // dedup keeps HDBSCAN's noise rows: they have no cluster to be compared within.
  const dedup = await runCli(['dedup', out, '--dedup-methods', 'semantic', '--dedup-epsilon', '0.2', '--quiet']);
  assert.equal(dedup.code, 0, dedup.stderr);
  const [n] = await queryRows(out, 'SELECT count(*)::INT AS rows, count(*) FILTER (WHERE kept AND duplicate_of IS NULL AND similarity IS NULL)::INT AS kept FROM dedup WHERE cluster = -1');
  assert.deepEqual(n, { rows: noise, kept: noise });
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.dedup.stats.noise_rows, noise);

  const second = await runCli(['infer', out, ...flags, '--hdbscan-assign-noise']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /hdbscan_assign_noise false → true: infer will be redone; dedup is removed and must be rerun/);
  assert.match(second.stderr, /fit: complete for these settings, skipped/);
  const after = await queryRows(out, 'SELECT id, cluster, probability, reassigned FROM labels');
  assert.equal(after.length, before.size);
  let reassigned = 0;
  for (const r of after) {
    const b = before.get(r.id as string)!;
    if (Number(b.cluster) < 0) {
      assert.equal(r.reassigned, true);
      assert.ok(Number(r.cluster) >= 0);
      assert.equal(Number(r.probability), 0);
      reassigned++;
    } else {
      assert.equal(r.reassigned, false);
      assert.equal(r.cluster, b.cluster);
      assert.equal(r.probability, b.probability);
    }
  }
  assert.equal(reassigned, noise);
  const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.infer.stats;
  assert.equal(stats.reassigned_rows, noise);
  assert.equal(stats.noise_rows, 0);
  // The cluster sizes in clusters.parquet include the reassigned rows.
  const [{ total }] = await queryRows(out, 'SELECT sum(size)::INT AS total FROM clusters');
  assert.equal(total, before.size);
});
