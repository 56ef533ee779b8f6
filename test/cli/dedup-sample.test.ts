import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/paths.js';
import { runCli, queryRows } from '../support/cli.js';

const TOPICS = [
  ['card', 'arrived', 'delivery', 'post', 'mail', 'waiting', 'track', 'shipped', 'late', 'address'],
  ['exchange', 'rate', 'currency', 'euro', 'dollar', 'conversion', 'foreign', 'pound', 'fee', 'abroad'],
  ['pin', 'blocked', 'locked', 'reset', 'forgot', 'code', 'unlock', 'attempts', 'wrong', 'app'],
];

/** 180 texts in 3 topics plus 45 word-swapped copies (the built-in model is order-blind). */
function corpus(file: string): void {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    TOPICS.forEach((words, t) => {
      const w = (j: number) => words[(i * (2 * j + 3) + j * j) % words.length];
      const text = `${w(0)} ${w(1)} ${w(2)} ${w(3)} ${w(4)} item${i}t${t}`;
      lines.push(JSON.stringify({ text }));
      if (i % 4 === 0) {
        const [a, b, ...rest] = text.split(' ');
        lines.push(JSON.stringify({ text: [b, a, ...rest].join(' ') }));
      }
    });
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const manifest = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));

test('sample after dedup draws only kept ids; dedup reruns are skipped or redo the sample; --write-kept is written when dedup is skipped', async () => {
  const dir = tempDir('dedup-sample');
  const file = path.join(dir, 'in.jsonl');
  corpus(file);
  const out = path.join(dir, 'out');
  assert.equal((await runCli(['infer', file, out, '--kmeans-num-clusters', '3', '--quiet'])).code, 0);
  const d1 = await runCli(['dedup', out, '--dedup-methods', 'semantic', '--dedup-epsilon', '0.02', '--quiet']);
  assert.equal(d1.code, 0, d1.stderr);
  // A sample larger than the data takes every kept id: exactly the kept set, nothing removed.
  const s1 = await runCli(['sample', out, '--sample-size', '1000', '--quiet']);
  assert.equal(s1.code, 0, s1.stderr);
  const [{ kept, removed }] = await queryRows(out, 'SELECT count(*) FILTER (WHERE kept)::INT AS kept, count(*) FILTER (WHERE NOT kept)::INT AS removed FROM dedup');
  assert.ok(Number(removed) >= 45, `removed ${removed}`);
  const [{ sampled, not_kept }] = await queryRows(out, 'SELECT count(*)::INT AS sampled, count(*) FILTER (WHERE NOT d.kept)::INT AS not_kept FROM sample s JOIN dedup d USING (id)');
  assert.equal(sampled, kept);
  assert.equal(not_kept, 0);
  assert.equal(manifest(out).stages.sample.stats.dedup_removed, removed);
  assert.equal(fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8').trim().split('\n').length, kept);

  // The same settings again: dedup is skipped, the sample stays, and --write-kept still writes.
  const keptFile = path.join(dir, 'kept.jsonl');
  const d2 = await runCli(['dedup', out, '--dedup-methods', 'semantic', '--dedup-epsilon', '0.02', '--write-kept', keptFile]);
  assert.equal(d2.code, 0, d2.stderr);
  assert.match(d2.stderr, /dedup: complete for these settings, skipped/);
  assert.equal(fs.readFileSync(keptFile, 'utf8').trim().split('\n').length, kept);
  assert.ok(manifest(out).stages.sample, 'a skipped dedup keeps the sample');

  // A wider ε redoes dedup and removes the sample, which then draws from the new kept set.
  const d3 = await runCli(['dedup', out, '--dedup-methods', 'semantic', '--dedup-epsilon', '0.3', '--quiet']);
  assert.equal(d3.code, 0, d3.stderr);
  assert.equal(manifest(out).stages.sample, undefined);
  assert.equal(fs.existsSync(path.join(out, 'sample.parquet')), false);
  const [{ kept: kept3 }] = await queryRows(out, 'SELECT count(*) FILTER (WHERE kept)::INT AS kept FROM dedup');
  assert.ok(Number(kept3) < Number(kept));
  assert.equal((await runCli(['sample', out, '--sample-size', '1000', '--quiet'])).code, 0);
  const [{ n }] = await queryRows(out, 'SELECT count(*)::INT AS n FROM sample');
  assert.equal(n, kept3);

  // dedup flags belong to dedup: sample refuses them.
  const bad = await runCli(['sample', out, '--write-kept', keptFile]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /`semclust sample` does not redo dedup\. To change it run semclust dedup OUTDIR --write-kept/);
});

test('a pipeline that lists dedup: a new ε redoes dedup and the sample in one run, the default stages leave dedup out', async () => {
  const dir = tempDir('dedup-run');
  const file = path.join(dir, 'in.jsonl');
  corpus(file);
  const yaml = path.join(dir, 'p.yaml');
  fs.writeFileSync(yaml, `input: in.jsonl\noutput_dir: out\nstages: [embed, fit, infer, dedup, sample]\nkmeans_num_clusters: 3\nsample_size: 1000\ndedup_methods: [semantic]\ndedup_epsilon: 0.02\nwrite_kept: kept.jsonl\n`);
  const out = path.join(dir, 'out');
  const r1 = await runCli(['run', yaml, '--quiet']);
  assert.equal(r1.code, 0, r1.stderr);
  const removed1 = manifest(out).stages.dedup.stats.removed;
  // write_kept in the file is relative to the file, like input and output_dir.
  assert.equal(fs.readFileSync(path.join(dir, 'kept.jsonl'), 'utf8').trim().split('\n').length, manifest(out).stages.dedup.stats.kept);
  assert.equal(manifest(out).stages.sample.stats.dedup_removed, removed1);

  const r2 = await runCli(['run', yaml, '--dedup-epsilon', '0.3', '--quiet']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stderr, /dedup_epsilon 0\.02 → 0\.3: dedup and sample will be redone/);
  const m = manifest(out);
  assert.ok(m.stages.dedup.stats.removed > removed1);
  assert.equal(m.stages.sample.stats.dedup_removed, m.stages.dedup.stats.removed);
  const [{ n, kept }] = await queryRows(out, 'SELECT count(*)::INT AS n, count(*) FILTER (WHERE d.kept)::INT AS kept FROM sample JOIN dedup d USING (id)');
  assert.equal(n, kept);
  assert.equal(n, m.stages.dedup.stats.kept);

  // Without stages the default is embed, fit, infer, sample: no dedup/ in a fresh folder.
  const plain = path.join(dir, 'plain.yaml');
  fs.writeFileSync(plain, `input: in.jsonl\noutput_dir: out2\nkmeans_num_clusters: 3\n`);
  assert.equal((await runCli(['run', plain, '--quiet'])).code, 0);
  assert.equal(fs.existsSync(path.join(dir, 'out2', 'dedup')), false);
  assert.ok(manifest(path.join(dir, 'out2')).stages.sample);
});
