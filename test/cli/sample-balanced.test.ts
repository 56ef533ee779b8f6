import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { balancedQuotas } from '../../core/sample/balanced-quotas.js';
import { createRng } from '../../core/util/random.js';
import { tempDir } from '../support/paths.js';
import { runCli, queryRows } from '../support/cli.js';

test('semclust sample --per-cluster balanced: the sample has the target size and, without levels, the water-filling quotas; levels must shrink', async () => {
  const dir = tempDir('balanced');
  const topics = [['card', 'delivery', 'mail', 'post', 'arrived'], ['exchange', 'rate', 'euro', 'dollar', 'fee'], ['pin', 'blocked', 'reset', 'code', 'unlock']];
  const rng = createRng(6);
  const lines: string[] = [];
  // Imbalanced: 200, 40 and 10 texts.
  [200, 40, 10].forEach((n, t) => {
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ text: `${Array.from({ length: 3 }, () => topics[t][rng.int(5)]).join(' ')} t${t}n${i}` }));
  });
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const out = path.join(dir, 'out');
  assert.equal((await runCli(['infer', file, out, '--kmeans-num-clusters', '8', '--quiet'])).code, 0);

  const flat = await runCli(['sample', out, '--sample-size', '40', '--per-cluster', 'balanced', '--quiet']);
  assert.equal(flat.code, 0, flat.stderr);
  const sizes = await queryRows(out, 'SELECT cluster, count(*)::INT AS n FROM labels GROUP BY 1 ORDER BY 1');
  const picked = new Map((await queryRows(out, 'SELECT cluster, count(*)::INT AS n FROM sample GROUP BY 1')).map((r) => [r.cluster, r.n]));
  const want = balancedQuotas(Int32Array.from(sizes, (r) => Number(r.n)), [], 40, 42);
  sizes.forEach((r, i) => assert.equal(picked.get(r.cluster) ?? 0, want[i], `cluster ${r.cluster}`));

  const tree = await runCli(['sample', out, '--sample-size', '40', '--per-cluster', 'balanced', '--hierarchy-clusters', '3', '--within', 'diverse', '--quiet']);
  assert.equal(tree.code, 0, tree.stderr);
  const [{ n }] = await queryRows(out, 'SELECT count(*)::INT AS n FROM sample');
  assert.equal(n, 40);
  const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.sample;
  assert.equal(stats.stats.per_cluster, 'balanced');
  assert.deepEqual(stats.settings.hierarchy_clusters, [3]);
  assert.deepEqual(stats.stats.hierarchy_levels.map((l: { k: number }) => l.k), [3], 'each level is timed in the manifest');
  assert.ok(stats.stats.hierarchy_levels[0].seconds >= 0);

  const bad = await runCli(['sample', out, '--per-cluster', 'balanced', '--hierarchy-clusters', '3,8']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--hierarchy-clusters 3,8: each level needs fewer clusters than the level below \(8 ≥ 3\)/);
});
