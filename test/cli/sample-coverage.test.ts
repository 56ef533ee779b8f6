import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { runCli } from '../support/cli.js';
import { Tokenizer } from '@huggingface/tokenizers';
import { LocalHub } from '../support/local-hub.js';
import { wordPieceTokenizer } from '../support/tiny-transformer.js';

test('semclust sample prints the coverage table (rule vs 5 random samples, with --facet), records it in the manifest, status and report.html show it, and the command ends with next:', async () => {
  const out = path.join(tempDir('coverage-cli'), 'out');
  const infer = await runCli(['infer', sotuJsonl(400), out, '--kmeans-num-clusters', '6', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);
  assert.match(infer.stdout.trimEnd().split('\n').at(-1)!, /^next: open .*report\.html to see the clusters, then semclust sample .* --sample-size N$/);

  const r = await runCli(['sample', out, '--sample-size', '30', '--per-cluster', 'sqrt', '--within', 'diverse', '--facet', 'party', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /coverage: 30 picks against 5 seeded random samples of the same size, over 400 rows/);
  assert.match(r.stdout, /sqrt \+ diverse {2}random \(mean ± sd\)\n/);
  for (const label of ['mean distance to nearest pick', 'p50 distance', 'p90 distance', 'p99 distance', 'clusters with a pick', 'cluster shares JSD', 'party shares TVD']) {
    assert.match(r.stdout, new RegExp(`\\n {2}${label} +\\d+\\.\\d+%? {2}\\d+\\.\\d+%? ± \\d+\\.\\d+%?\\n`), label);
  }
  assert.match(r.stdout.trimEnd().split('\n').at(-1)!, /^next: .*sample\.jsonl is the sample; open .*report\.html to see it on the map$/);
  assert.doesNotMatch(r.stderr, /warning/);

  const c = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.sample.stats.coverage;
  assert.equal(c.rows, 400);
  assert.equal(c.sampled, 30);
  assert.equal(c.random_samples, 5);
  assert.equal(c.rule.clusters_picked, 1, 'sqrt gives every cluster a pick');
  for (const f of [c.rule, c.random_mean]) {
    assert.ok(f.p50 > 0 && f.p50 <= f.p90 && f.p90 <= f.p99, JSON.stringify(f));
    assert.ok(f.cluster_jsd >= 0 && f.cluster_jsd <= 1 && f.facets.party >= 0 && f.facets.party <= 1, JSON.stringify(f));
  }
  assert.ok(c.random_sd.mean > 0, 'five random samples differ');
  // Issue 22: sqrt + diverse (k-means picks) covers the typical row better than random (here 1.136 against 1.165 ± 0.006).
  assert.ok(c.rule.p90 < c.random_mean.p90, `p90 ${c.rule.p90} ≥ random's ${c.random_mean.p90}`);

  const status = await runCli(['status', out]);
  assert.match(status.stdout, /\n {4}coverage: 30 picks against 5 seeded random samples/);
  assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /<h2>Sample coverage<\/h2><table id="coverage"[^>]*><caption[^>]*>30 picks against 5 seeded random samples[^<]*<\/caption><tr><th><\/th><th>sqrt \+ diverse<\/th>.*<td>p90 distance<\/td><td[^>]*>\d\.\d{4}<\/td><td[^>]*>\d\.\d{4} ± \d\.\d{4}<\/td>.*<td>party shares TVD<\/td>/);

  const all = await runCli(['sample', out, '--sample-size', '400', '--quiet']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /sample: warning: --sample-size 400 is at least the 400 rows that can be picked, so the sample is all of them/);
});

test('semclust sample --sample-tokens: the sample holds within 1% of N words (never more), the manifest gives rows and tokens; balanced quotas are refused', async () => {
  const out = path.join(tempDir('tokens-cli'), 'out');
  assert.equal((await runCli(['infer', sotuJsonl(400), out, '--kmeans-num-clusters', '6', '--quiet'])).code, 0);
  for (const within of ['random', 'diverse']) {
    const r = await runCli(['sample', out, '--sample-tokens', '5000', '--within', within, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    const lines = fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8').trim().split('\n');
    const words = lines.reduce((n, l) => n + ((JSON.parse(l) as { text: string }).text.match(/\S+/g) ?? []).length, 0);
    assert.ok(words <= 5000 && words >= 4950, `${within}: ${words} words`);
    const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.sample.stats;
    assert.equal(stats.tokens, words);
    assert.equal(stats.sampled, lines.length);
    assert.equal(stats.token_counter, 'words');
    assert.match(r.stdout, new RegExp(`sample: ${lines.length} records \\(${words.toLocaleString('en-US')} words of --sample-tokens 5,000\\)`));
  }
  // --sample-tokens holds for the command that gives it: the next sample is sized in rows again, and says why it is redone.
  const rows = await runCli(['sample', out, '--sample-size', '30']);
  assert.equal(rows.code, 0, rows.stderr);
  assert.match(rows.stderr, /sample_tokens 5000 → none/);
  const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.sample.stats;
  assert.equal(stats.sampled, 30);
  assert.equal(stats.tokens, undefined);
  const again = await runCli(['sample', out, '--sample-size', '30']);
  assert.match(again.stderr, /sample: complete for these settings, skipped/);
  const bad = await runCli(['sample', out, '--sample-tokens', '5000', '--per-cluster', 'balanced']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--sample-tokens sizes clusters by their tokens with --per-cluster equal or sqrt/);
});

test('semclust sample warns when rows hold no word the built-in model knows (punctuation apart), names some and lists them with the query it gives', async () => {
  const dir = tempDir('unknown-words');
  const passages = fs.readFileSync(sotuJsonl(200), 'utf8').trim().split('\n');
  const fragments = [')', ') .', '(', '§', '--', ')(', ';', '.)', '* *', '»'].map((text) => JSON.stringify({ text }));
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, [...passages, ...fragments].join('\n') + '\n');
  const out = path.join(dir, 'out');
  assert.equal((await runCli(['infer', file, out, '--kmeans-num-clusters', '4', '--quiet'])).code, 0);
  const r = await runCli(['sample', out, '--sample-size', '20', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const m = /sample: warning: (\d+) rows \((\d+\.\d)%\) hold no word the built-in model knows \(e\.g\. [^)]+\)[^;]*; .* List them with semclust query \S+ '([^']+)'/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const listed = await runCli(['query', out, m[3], '--format', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const texts = listed.stdout.trim().split(`\n`).map((l) => (JSON.parse(l) as { text: string }).text).sort();
  assert.equal(texts.length, Number(m[1]));
  for (const t of texts) assert.ok(fragments.includes(JSON.stringify({ text: t })), `${t} is a fragment`);
  // The word vectors know some punctuation (")", "(", ";", "*"), but no fragment holds a word:
  // every one got its characters' vector, and the warning's query finds them all.
  assert.deepEqual(texts, fragments.map((f) => (JSON.parse(f) as { text: string }).text).sort());
});


test('semclust sample --token-counter tokenizer:OWNER/NAME counts with the hub repo\'s tokenizer, fetching only its tokenizer files: the sample holds within 1% of N of its tokens', async () => {
  const dir = tempDir('tokens-hub');
  const repo = path.join(dir, 'repo');
  fs.mkdirSync(path.join(repo, 'onnx'), { recursive: true });
  const json = wordPieceTokenizer().json;
  fs.writeFileSync(path.join(repo, 'tokenizer.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(repo, 'onnx', 'model.onnx'), Buffer.alloc(1 << 16));
  const hub = await LocalHub.start();
  const env = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HUB_CACHE: process.env.HF_HUB_CACHE };
  try {
    await hub.addRepo('acme/counter', { main: repo });
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HUB_CACHE = path.join(dir, 'hub-cache');
    const out = path.join(dir, 'out');
    assert.equal((await runCli(['infer', sotuJsonl(400), out, '--kmeans-num-clusters', '6', '--quiet'])).code, 0);
    const r = await runCli(['sample', out, '--sample-tokens', '5000', '--token-counter', 'tokenizer:acme/counter', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    // Counted here with @huggingface/tokenizers on the repo's own file, special tokens left out.
    const tokenizer = new Tokenizer(json, {});
    const lines = fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8').trim().split('\n');
    const tokens = lines.reduce((n, l) => n + tokenizer.encode((JSON.parse(l) as { text: string }).text, { add_special_tokens: false }).ids.length, 0);
    assert.ok(tokens <= 5000 && tokens >= 4950, `${tokens} tokens`);
    const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.sample.stats;
    assert.deepEqual([stats.tokens, stats.token_counter], [tokens, 'tokenizer:acme/counter']);
    const fetched = hub.requests.map((q) => `${q.server} ${q.path}`);
    assert.ok(fetched.length > 0 && fetched.every((f) => /^hub \/acme\/counter\/resolve\/[^/]+\/tokenizer(_config)?\.json$/.test(f)), fetched.join(', '));
  } finally {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await hub.close();
  }
});
