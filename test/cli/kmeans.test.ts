import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FILES } from '../../schemas/tables.js';
import { tempDir } from '../support/paths.js';
import { runCli, queryRows } from '../support/cli.js';

const TOPICS = [
  ['card', 'arrived', 'delivery', 'post', 'mail', 'waiting', 'track', 'shipped'],
  ['exchange', 'rate', 'currency', 'euro', 'dollar', 'conversion', 'foreign', 'pound'],
  ['pin', 'blocked', 'locked', 'reset', 'forgot', 'code', 'unlock', 'attempts'],
  ['refund', 'merchant', 'return', 'purchase', 'dispute', 'charge', 'money', 'back'],
];

function writeTopics(file: string, perTopic: number): void {
  const lines: string[] = [];
  for (let i = 0; i < perTopic; i++) {
    TOPICS.forEach((words, t) => {
      const pick = (j: number) => words[(i * (j + 3) + j) % words.length];
      lines.push(JSON.stringify({ text: `my ${pick(0)} ${pick(1)} ${pick(2)} ${pick(3)} ${i}`, topic: t }));
    });
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

test('fit → infer → sample with k-means: every row labelled, exact sample, seeded', async () => {
  const dir = tempDir('kmpipe');
  const file = path.join(dir, 'topics.jsonl');
  writeTopics(file, 150);
  const out = path.join(dir, 'out');
  const infer = await runCli(['infer', file, out, '--kmeans-num-clusters', '4', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);
  // Results on stdout, progress and messages on stderr (issue 18 item 10): `infer … > stats.txt` keeps the statistics.
  assert.match(infer.stdout, /total rows: 600\nclusters: 4/);
  assert.match(infer.stdout, /size percentiles: p1=/);
  assert.match(infer.stdout, /^summary \(/m);
  assert.match(infer.stdout, /^report: .*report\.html$/m);
  assert.doesNotMatch(infer.stderr, /size percentiles|^summary/m);
  assert.doesNotMatch(infer.stdout, /"event":"progress"|plan:/);

  // Topics are recovered: each cluster is dominated by one topic.
  const purity = await queryRows(
    out,
    `SELECT cluster, max(n) / sum(n) AS purity FROM (
       SELECT l.cluster, json_extract(r.record, '$.topic') AS topic, count(*) AS n
       FROM labels l JOIN rows r USING (id) GROUP BY ALL) GROUP BY cluster`,
  );
  assert.equal(purity.length, 4);
  for (const p of purity) assert.ok(Number(p.purity) > 0.9, JSON.stringify(purity));
  const sizes = await queryRows(out, 'SELECT sum(size)::INT AS n, count(*)::INT AS k, min(len(centroid))::INT AS d FROM clusters');
  assert.deepEqual(sizes, [{ n: 600, k: 4, d: 100 }]);

  const sample = await runCli(['sample', out, '--sample-size', '37', '--per-cluster', 'sqrt', '--within', 'diverse', '--quiet']);
  assert.equal(sample.code, 0, sample.stderr);
  const records = fs.readFileSync(path.join(out, FILES.sampleJsonl), 'utf8').trim().split('\n');
  assert.equal(records.length, 37);
  const originals = new Set(fs.readFileSync(file, 'utf8').trim().split('\n'));
  for (const r of records) assert.ok(originals.has(r), 'sample.jsonl holds original records');
  const picks = await queryRows(out, 'SELECT cluster, count(*)::INT AS n, count(DISTINCT id)::INT AS ids, max(pick)::INT AS last FROM sample GROUP BY cluster ORDER BY cluster');
  assert.equal(picks.length, 4);
  for (const p of picks) assert.equal(p.n, p.ids);
  assert.equal(picks.reduce((s, p) => s + Number(p.n), 0), 37);

  const ids = async () => (await queryRows(out, 'SELECT id FROM sample ORDER BY id')).map((r) => r.id);
  const random1 = (await runCli(['sample', out, '--sample-size', '20', '--within', 'random', '--seed', '5', '--quiet']), await ids());
  const random2 = (await runCli(['sample', out, '--sample-size', '20', '--within', 'random', '--seed', '5', '--quiet']), await ids());
  const random3 = (await runCli(['sample', out, '--sample-size', '20', '--within', 'random', '--seed', '6', '--quiet']), await ids());
  assert.equal(random1.length, 20);
  assert.deepEqual(random1, random2);
  assert.notDeepEqual(random1, random3);

  const equal = await runCli(['sample', out, '--sample-size', '1000', '--per-cluster', 'equal', '--quiet']);
  assert.equal(equal.code, 0);
  assert.equal(fs.readFileSync(path.join(out, FILES.sampleJsonl), 'utf8').trim().split('\n').length, 600, 'a sample larger than the data takes every row once');
});

test('k larger than the rows fails with a message naming the fix', async () => {
  const dir = tempDir('kbig');
  const file = path.join(dir, 'few.jsonl');
  writeTopics(file, 2);
  const r = await runCli(['fit', file, path.join(dir, 'out'), '--kmeans-num-clusters', '50', '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--kmeans-num-clusters 50 exceeds the 8 rows fitted on; lower it or raise --fit-sample/);
});

test('query prints tables and CSV, and names the views on a bad query', async () => {
  const dir = tempDir('query');
  const file = path.join(dir, 'q.jsonl');
  writeTopics(file, 5);
  const out = path.join(dir, 'out');
  assert.equal((await runCli(['embed', file, out, '--quiet'])).code, 0);
  const table = await runCli(['query', out, 'SELECT count(*) AS n FROM rows']);
  assert.match(table.stdout, /^n +\n─+\n20 *\n\(1 row\)/);
  const csv = await runCli(['query', out, "SELECT text FROM rows WHERE text LIKE 'my card%' ORDER BY text LIMIT 1", '--format', 'csv']);
  assert.match(csv.stdout, /^text\nmy card /);
  const bad = await runCli(['query', out, 'SELECT * FROM nowhere']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /views available: rows, embeddings/);
});

test('UMAP + HDBSCAN: noise is labelled -1, counted, and never sampled', async () => {
  const dir = tempDir('hdbpipe');
  const file = path.join(dir, 'topics.jsonl');
  writeTopics(file, 120);
  // A sprinkle of unrelated texts that should mostly end up as noise.
  const odd = ['quantum chromodynamics lattice', 'volcanic basalt erosion', 'medieval lute tablature', 'sourdough starter hydration', 'glacier calving rates'];
  fs.appendFileSync(file, odd.map((t, i) => JSON.stringify({ text: `${t} ${i}`, topic: -1 })).join('\n') + '\n');
  const out = path.join(dir, 'out');
  const r = await runCli(['infer', file, out, '--enable-umap', '--umap-dim', '5', '--cluster-alg', 'hdbscan', '--hdbscan-min-cluster-size', '30', '--hdbscan-min-samples', '5', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /noise: \d+ rows/);
  const [counts] = await queryRows(out, 'SELECT count(*)::INT AS n, count(*) FILTER (WHERE cluster < 0)::INT AS noise, count(DISTINCT cluster) FILTER (WHERE cluster >= 0)::INT AS k FROM labels');
  assert.equal(counts.n, 485);
  assert.ok(Number(counts.k) >= 2, JSON.stringify(counts));
  const projection = await queryRows(out, 'SELECT count(*)::INT AS n FROM projection');
  assert.equal(projection[0].n, 485);
  assert.ok(fs.existsSync(path.join(out, FILES.plot)));
  const s = await runCli(['sample', out, '--sample-size', '50', '--quiet']);
  assert.equal(s.code, 0, s.stderr);
  const noisePicked = await queryRows(out, 'SELECT count(*)::INT AS n FROM sample JOIN labels l USING (id) WHERE l.cluster < 0');
  assert.equal(noisePicked[0].n, 0);
  const picked = await queryRows(out, 'SELECT count(*)::INT AS n FROM sample');
  assert.equal(picked[0].n, 50);
});
