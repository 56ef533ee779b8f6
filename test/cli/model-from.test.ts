/**
 * `infer NEW... OUT2 --model-from OUT` (issue 21): NEW is embedded with OUT's model and
 * labelled with OUT's projection and cluster model, as a run over OUT's inputs plus NEW
 * labels those rows with the same model; OUT is only read; a different model or fit setting
 * is refused naming both values; later stages run on OUT2 alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { queryRows, runCli } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const dir = tempDir('model-from');
const lines = fs.readFileSync(sotuJsonl(1200), 'utf8').trim().split('\n');
const old = path.join(dir, 'old.jsonl');
const fresh = path.join(dir, 'new.jsonl');
fs.writeFileSync(old, lines.slice(0, 900).join('\n') + '\n');
fs.writeFileSync(fresh, lines.slice(900).join('\n') + '\n');
const out = path.join(dir, 'out');
const out2 = path.join(dir, 'out2');
const both = path.join(dir, 'both');

/** Every file under `root` with a digest of its bytes (lock files aside: they come and go). */
function snapshot(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!f.isFile() || f.name.endsWith('.lock')) continue;
    const p = path.join(f.parentPath, f.name);
    files[path.relative(root, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
  }
  return files;
}

/** Rows of `a`'s labels and projection against the same ids in folder `b`: how many, how many differ. */
async function compare(a: string, b: string): Promise<{ rows: number; labels: number; xy: number }> {
  const [r] = await queryRows(
    a,
    `SELECT count(*) AS rows, count(*) FILTER (WHERE l.cluster <> m.cluster) AS labels, count(*) FILTER (WHERE p.x <> q.x OR p.y <> q.y) AS xy
     FROM labels l JOIN read_parquet('${b}/labels/*.parquet') m USING (id)
     JOIN projection p USING (id) JOIN read_parquet('${b}/projection/*.parquet') q USING (id)`,
  );
  return { rows: Number(r.rows), labels: Number(r.labels), xy: Number(r.xy) };
}

test('NEW labelled with --model-from OUT gets the labels and map positions a run over OUT\'s inputs plus NEW gives it with that model; OUT is unchanged', async () => {
  const fit = await runCli(['infer', old, out, '--kmeans-num-clusters', '12', '--enable-umap', '--umap-dim', '5', '--quiet']);
  assert.equal(fit.code, 0, fit.stderr);
  const before = snapshot(out);

  const r = await runCli(['infer', fresh, out2, '--model-from', out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /fit: not fitted; .*out's model copied \(kmeans, 12 clusters, umap 5-d, fitted on 900 rows\)/);
  const [embedded] = await queryRows(out2, 'SELECT count(*) AS n FROM labels');
  assert.equal(Number(embedded.n), 300);
  for (const f of Object.keys(before).filter((f) => f.startsWith('model'))) assert.equal(snapshot(out2)[f], before[f], f);

  const single = await runCli(['infer', old, fresh, both, '--model-from', out, '--quiet']);
  assert.equal(single.code, 0, single.stderr);
  assert.deepEqual(await compare(out2, both), { rows: 300, labels: 0, xy: 0 });
  // The copied model is OUT's: OUT's own rows keep OUT's labels in the single run.
  assert.deepEqual(await compare(out, both), { rows: 900, labels: 0, xy: 0 });
  assert.deepEqual(snapshot(out), before);
});

test('dedup and sample run on OUT2 alone, and a later infer OUT2 reuses its copy without --model-from', async () => {
  const again = await runCli(['infer', out2, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /fit: complete for these settings, skipped\ninfer: complete for these settings, skipped/);
  const dedup = await runCli(['dedup', out2, '--quiet']);
  assert.equal(dedup.code, 0, dedup.stderr);
  const sample = await runCli(['sample', out2, '--sample-size', '40', '--quiet']);
  assert.equal(sample.code, 0, sample.stderr);
  const [picked] = await queryRows(out2, 'SELECT count(*) AS n, count(*) FILTER (WHERE cluster < 0 OR cluster >= 12) AS outside FROM sample');
  assert.deepEqual([Number(picked.n), Number(picked.outside)], [40, 0]);
});

test('another embedding model or fit setting beside --model-from is refused naming both values; so is a folder with no fit; nothing is written', async () => {
  const out3 = path.join(dir, 'out3');
  const model = await runCli(['infer', fresh, out3, '--model-from', out, '--embedding-model', 'minishlab/potion-base-8M']);
  assert.equal(model.code, 2);
  assert.match(model.stderr, /--embedding-model minishlab\/potion-base-8M differs from static, which the run --model-from names \(.*out\/manifest\.json\) recorded and this run must share; drop --embedding-model/);
  const k = await runCli(['infer', fresh, out3, '--model-from', out, '--kmeans-num-clusters', '30']);
  assert.equal(k.code, 2);
  assert.match(k.stderr, /--kmeans-num-clusters 30 differs from 12, which the run --model-from names/);
  const none = await runCli(['infer', fresh, out3, '--model-from', dir]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--model-from .*: no semclust run there \(no manifest\.json\); give the OUTDIR of a fitted run/);
  assert.equal(fs.existsSync(out3), false);
});

test('NEW added to OUT\'s inputs: infer embeds and labels only the new rows, says how many, keeps the fit and every earlier label, and labels them as --model-from did', async () => {
  const labelParts = (dir: string) => Object.fromEntries(Object.entries(snapshot(dir)).filter(([f]) => f.startsWith('labels') || f.startsWith('model')));
  const before = labelParts(out);
  const sample = await runCli(['sample', out, '--sample-size', '40', '--quiet']);
  assert.equal(sample.code, 0, sample.stderr);

  const r = await runCli(['infer', old, fresh, out, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^input \.\.\/old\.jsonl → \.\.\/old\.jsonl,\.\.\/new\.jsonl: embed and infer go on with the new input only; fit kept; sample is removed and must be rerun\n/);
  assert.match(r.stderr, /fit: complete for these settings, skipped/);
  assert.match(r.stderr, /infer: labelled 300 new rows; 900 already labelled/);
  const after = labelParts(out);
  for (const [f, digest] of Object.entries(before)) assert.equal(after[f], digest, `${f} was rewritten`);
  assert.ok(Object.keys(after).length > Object.keys(before).length);
  assert.equal(fs.existsSync(path.join(out, 'sample.jsonl')), false);
  assert.deepEqual(await compare(out2, out), { rows: 300, labels: 0, xy: 0 });
  assert.deepEqual(await compare(both, out), { rows: 1200, labels: 0, xy: 0 });

  const again = await runCli(['infer', old, fresh, out, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /embed: complete for these settings, skipped\nfit: complete for these settings, skipped\ninfer: complete for these settings, skipped/);
});
