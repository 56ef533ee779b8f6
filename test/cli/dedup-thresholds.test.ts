import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../core/util/random.js';
import { EDITS, edit } from '../../scripts/near-copy-edits.js';
import { sotuSample } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { runCli, queryRows } from '../support/cli.js';

/** 200 passages and 200 copies with one to four edits each: Jaccard estimates spread over 0.5–1. */
function corpus(dir: string): string {
  const texts = sotuSample(200).map((p) => p.text);
  const rng = createRng(3);
  const lines = texts.map((text) => JSON.stringify({ text }));
  for (let c = 0; c < 200; c++) {
    let text = texts[c];
    for (let e = 0; e <= c % 4; e++) text = edit(text, EDITS[(c + e) % EDITS.length], rng);
    // Shorter passages show each edit more: cut the copy to its first 12 words half the time.
    lines.push(JSON.stringify({ text: c % 2 ? text : text.split(' ').slice(0, 12).join(' ') }));
  }
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const table = (out: string) => queryRows(out, 'SELECT * FROM dedup ORDER BY source, line');

test('dedup --fuzzy-bands-threshold: a new --fuzzy-threshold reruns only the selection and gives the table of a full run', async () => {
  const dir = tempDir('dedup-thresholds');
  const input = corpus(dir);
  const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
  for (const out of [a, b]) assert.equal((await runCli(['infer', input, out, '--kmeans-num-clusters', '4', '--quiet'])).code, 0);

  const first = await runCli(['dedup', a, '--fuzzy-bands-threshold', '0.5', '--fuzzy-threshold', '0.9']);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stderr, /reusing the candidate pairs/);
  const at90 = await table(a);
  const second = await runCli(['dedup', a, '--fuzzy-threshold', '0.6']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /dedup: only the thresholds changed; reusing the candidate pairs in dedup-candidates\.parquet, rerunning the selection/);
  const reused = await table(a);

  const full = await runCli(['dedup', b, '--fuzzy-bands-threshold', '0.5', '--fuzzy-threshold', '0.6', '--quiet']);
  assert.equal(full.code, 0, full.stderr);
  assert.deepEqual(reused, await table(b));
  // The threshold mattered: 0.6 removed rows 0.9 kept.
  const removed = (rows: Record<string, unknown>[]) => rows.filter((r) => r.reason === 'fuzzy').length;
  assert.ok(removed(reused) > removed(at90), `${removed(reused)} vs ${removed(at90)}`);

  // Other fuzzy settings are computed afresh; a threshold below the bands' is refused.
  const other = await runCli(['dedup', a, '--fuzzy-ngram', '2']);
  assert.equal(other.code, 0, other.stderr);
  assert.doesNotMatch(other.stderr, /reusing the candidate pairs/);
  const kept = await table(a);
  const below = await runCli(['dedup', a, '--fuzzy-threshold', '0.4']);
  assert.equal(below.code, 2);
  assert.match(below.stderr, /--fuzzy-threshold 0.4 is below --fuzzy-bands-threshold 0.5/);
  assert.deepEqual(await table(a), kept, 'the refused run left the table as it was');
});

test('dedup --dedup-epsilon-bound: a new ε reruns only the selection, says so, and gives the table of a full run', async () => {
  const dir = tempDir('dedup-epsilon');
  const input = corpus(dir);
  const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
  for (const out of [a, b]) assert.equal((await runCli(['infer', input, out, '--kmeans-num-clusters', '4', '--quiet'])).code, 0);
  const semantic = ['--dedup-methods', 'exact,semantic', '--dedup-epsilon-bound', '0.2'];

  const first = await runCli(['dedup', a, ...semantic, '--dedup-epsilon', '0.005']);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stderr, /semantic pass reused/);
  const at005 = await table(a);
  const second = await runCli(['dedup', a, '--dedup-epsilon', '0.1']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /dedup: reselected at ε=0\.1 from the [\d,]+ pairs in dedup-pairs\.parquet, semantic pass reused/);
  const manifest = JSON.parse(fs.readFileSync(path.join(a, 'manifest.json'), 'utf8'));
  assert.equal(manifest.stages.dedup.stats.semantic_pass, 'reused');
  assert.equal(manifest.stages.dedup.stats.epsilon, 0.1);
  const reused = await table(a);

  const full = await runCli(['dedup', b, ...semantic, '--dedup-epsilon', '0.1', '--quiet']);
  assert.equal(full.code, 0, full.stderr);
  assert.deepEqual(reused, await table(b));
  // ε mattered: 0.1 removed rows 0.005 kept.
  const removed = (rows: Record<string, unknown>[]) => rows.filter((r) => r.reason === 'semantic').length;
  assert.ok(removed(reused) > removed(at005), `${removed(reused)} vs ${removed(at005)}`);
  // --sweep counts each ε up to the bound by the selection itself: at 0.1, the ids this run removed.
  const sweep = await runCli(['dedup', a, '--sweep']);
  assert.equal(sweep.code, 0, sweep.stderr);
  assert.match(sweep.stdout, /rows removed \(exact: the selection over the pairs stored with --dedup-epsilon-bound 0\.2\)/);
  const at = (e: string) => Number(sweep.stdout.match(new RegExp(`^ +${e.replace('.', '\\.')} +([\\d,]+)$`, 'm'))![1].replace(/,/g, ''));
  assert.equal(at('0.1'), new Set(reused.filter((r) => r.reason === 'semantic').map((r) => r.id)).size);
  assert.equal(at('0.005'), new Set(at005.filter((r) => r.reason === 'semantic').map((r) => r.id)).size);

  // Fuzzy first changes which rows semantic compares, and so each cluster's order: the pass reruns.
  const fuzzy = await runCli(['dedup', a, '--dedup-methods', 'exact,fuzzy,semantic']);
  assert.equal(fuzzy.code, 0, fuzzy.stderr);
  assert.match(fuzzy.stderr, /rerunning the semantic pass/);
  const kept = await table(a);
  const above = await runCli(['dedup', a, '--dedup-epsilon', '0.3']);
  assert.equal(above.code, 2);
  assert.match(above.stderr, /--dedup-epsilon 0.3 is above --dedup-epsilon-bound 0.2/);
  assert.deepEqual(await table(a), kept, 'the refused run left the table as it was');
});
