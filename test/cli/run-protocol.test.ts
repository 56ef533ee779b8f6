/**
 * The run protocol from the command line: settings remembered per OUTDIR, redo messages
 * printed before any work, flags checked against the stage they belong to, `status`, and
 * input identity (a changed input redoes embed and says why).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli, queryRows } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir('protocol');
const input = path.join(dir, 'in.jsonl');
fs.copyFileSync(sotuJsonl(3000), input);
const out = path.join(dir, 'out');

test('fit with k = 100, then infer OUT and sample OUT without repeating INPUT or k, label with the k = 100 model', async () => {
  const fit = await runCli(['fit', input, out, '--kmeans-num-clusters', '100', '--quiet']);
  assert.equal(fit.code, 0, fit.stderr);
  const infer = await runCli(['infer', out, '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);
  assert.match(infer.stderr, /embed: complete for these settings, skipped\nfit: complete for these settings, skipped/);
  const [labels] = await queryRows(out, 'SELECT count(DISTINCT cluster) AS k, max(cluster) AS top, count(*) AS n FROM labels');
  assert.equal(Number(labels.top), 99);
  assert.ok(Number(labels.k) <= 100 && Number(labels.k) > 80, `clusters used: ${labels.k}`);
  const [clusters] = await queryRows(out, 'SELECT count(*) AS n FROM clusters');
  assert.equal(Number(clusters.n), 100);

  const sample = await runCli(['sample', out, '--sample-size', '500', '--quiet']);
  assert.equal(sample.code, 0, sample.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8').trim().split('\n').length, 500);
  const [picked] = await queryRows(out, 'SELECT max(cluster) AS top FROM sample');
  assert.ok(Number(picked.top) <= 99);
});

test('a flag of an earlier stage is accepted when it matches the record, refused with the recorded value and the way out when it differs', async () => {
  const same = await runCli(['sample', out, '--sample-size', '500', '--kmeans_num_clusters', '100', '--quiet']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stderr, /sample: complete for these settings, skipped/);

  const differs = await runCli(['sample', out, '--kmeans-num-clusters', '50']);
  assert.equal(differs.code, 2);
  assert.match(differs.stderr, /--kmeans-num-clusters 50 differs from this run's fit stage, which used 100/);
  assert.match(differs.stderr, /semclust fit OUTDIR.*--kmeans-num-clusters 50/);

  const umap = await runCli(['sample', out, '--umap-dim', '5']);
  assert.equal(umap.code, 2);
  assert.match(umap.stderr, /--umap-dim 5 differs from this run's fit stage, which used 30; `semclust sample` does not redo fit/);

  const later = await runCli(['embed', input, out, '--sample-size', '10']);
  assert.equal(later.code, 2);
  assert.match(later.stderr, /--sample-size belongs to the sample stage \(semclust sample OUTDIR\), which `semclust embed` does not run/);
});

test('a changed k prints the stages it redoes and why before any work, and the sample it removes', async () => {
  const r = await runCli(['infer', input, out, '--kmeans-num-clusters', '120', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], 'kmeans_num_clusters 100 → 120: fit and infer will be redone; sample is removed and must be rerun');
  assert.equal(fs.existsSync(path.join(out, 'sample.jsonl')), false);
  const [clusters] = await queryRows(out, 'SELECT count(*) AS n FROM clusters');
  assert.equal(Number(clusters.n), 120);
});

test('status prints every stage, its settings, its figures and what is not run', async () => {
  const r = await runCli(['status', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /embed: complete .*\n    settings: input=\.\.\/in\.jsonl {2}text_key=text/);
  assert.match(r.stdout, /fit: complete[^\n]*\n    settings: [^\n]*kmeans_num_clusters=120/);
  assert.match(r.stdout, /infer: complete[^\n]*\n[^\n]*\n    figures: rows=2,999/);
  assert.match(r.stdout, /sample: not run/);
});

test('an edited input (same size, new content) redoes embed and says why; a different input says what it replaces', async () => {
  const text = fs.readFileSync(input, 'utf8');
  // Swap two letters in the first text: same size, new content, new mtime.
  const i = text.indexOf('"text":"') + 8;
  fs.writeFileSync(input, text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2));
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(input, later, later);
  const edited = await runCli(['embed', input, out, '--quiet']);
  assert.equal(edited.code, 0, edited.stderr);
  assert.match(edited.stderr.split('\n')[0], /^input [^ ]*in\.jsonl content [0-9a-f]{8} → edited \(same size, new content\): embed will be redone; fit and infer are removed and must be rerun$/);
  assert.match(edited.stderr, /this replaces the 3,000 rows embedded earlier/);

  const other = path.join(dir, 'other.jsonl');
  fs.copyFileSync(sotuJsonl(500), other);
  const replaced = await runCli(['embed', other, out, '--quiet']);
  assert.equal(replaced.code, 0, replaced.stderr);
  assert.match(replaced.stderr, /^input \.\.\/in\.jsonl → \.\.\/other\.jsonl: embed will be redone\n {2}this replaces the 3,000 rows embedded earlier/);
});

test('infer OUT in a folder with no run names what is missing', async () => {
  const r = await runCli(['infer', path.join(dir, 'nothing-here')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nothing-here holds no semclust run \(no manifest\.json\), so its input is unknown: give INPUT\.\.\./);
});
