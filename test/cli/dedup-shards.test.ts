/**
 * Sharded dedup from the command line (the split in pipeline/stages/dedup-units.ts): 2 shards
 * sign their rows/ parts, `semclust merge` joins the LSH buckets and runs the one dedup pass,
 * and the dedup/ table and statistics equal one process's, on a corpus with exact copies and
 * near-copies (one to four edits) spread over many parts. A shard that died before recording
 * all its parts is named by the merge; its rerun keeps the parts it had signed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../core/util/random.js';
import { EDITS, edit } from '../../scripts/near-copy-edits.js';
import { sotuSample } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { runCli, queryRows } from '../support/cli.js';

/** 300 passages, 150 edited copies and 50 exact copies, copies far from their originals (other parts, other shards). */
function corpus(dir: string): string {
  const texts = sotuSample(300).map((p) => p.text);
  const rng = createRng(5);
  const lines = texts.map((text) => JSON.stringify({ text }));
  for (let c = 0; c < 150; c++) {
    let text = texts[(c * 7) % 300];
    for (let e = 0; e <= c % 3; e++) text = edit(text, EDITS[(c + e) % EDITS.length], rng);
    lines.push(JSON.stringify({ text }));
  }
  for (let c = 0; c < 50; c++) lines.push(JSON.stringify({ text: texts[(c * 11) % 300] }));
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const METHODS = ['--dedup-methods', 'exact,fuzzy,semantic', '--fuzzy-threshold', '0.7'];
const table = (out: string) => queryRows(out, 'SELECT * FROM dedup ORDER BY source, line');
const dedupStats = (out: string) => {
  const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.dedup.stats;
  delete stats.shards;
  return stats;
};

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 0, `semclust ${args.join(' ')}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

test('dedup as 2 shards then merge: the dedup/ table and statistics of one process; a partial shard keeps its signed parts', async () => {
  const dir = tempDir('dedup-shards');
  const input = corpus(dir);
  const [one, two] = [path.join(dir, 'one'), path.join(dir, 'two')];
  await ok(['infer', input, one, '--part-rows', '40', '--kmeans-num-clusters', '5', '--quiet']);
  fs.cpSync(one, two, { recursive: true });
  await ok(['dedup', one, ...METHODS, '--quiet']);

  const refused = await runCli(['dedup', two, '--shard', '0/2', '--write-kept', path.join(dir, 'kept.jsonl')]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--write-kept reads the dedup\/ table, which semclust merge writes after every shard/);
  const first = await ok(['dedup', two, '--shard', '0/2', ...METHODS, '--quiet']);
  assert.match(first, /dedup shard 0\/2: 7 of 13 parts, 7 signed, [\d,]+ rows; when every shard is done: semclust merge/);
  assert.ok(!fs.existsSync(path.join(two, 'dedup')), 'a shard writes no dedup/ table');

  // Shard 0 as if killed after signing all its parts but one: its record still running, one part unrecorded.
  const progress = path.join(two, 'progress', 'dedup');
  const record = path.join(progress, 'shard-0-of-2.json');
  fs.writeFileSync(record, JSON.stringify({ ...JSON.parse(fs.readFileSync(record, 'utf8')), status: 'running' }));
  fs.rmSync(path.join(progress, 'part-00002.json'));
  const signedAt = (u: number) => fs.statSync(path.join(progress, `signatures-${String(u).padStart(6, '0')}.bin`)).mtimeMs;
  const before = [0, 4].map(signedAt);

  await ok(['dedup', two, '--shard', '1/2', '--quiet']);
  const early = await runCli(['merge', two]);
  assert.notEqual(early.code, 0);
  assert.match(early.stderr, /shard 0 of 2 did not finish/);
  assert.match(early.stderr, /semclust dedup .*two --shard 0\/2/);

  // The rerun takes the settings the other shards recorded, signs only the missing part.
  const rerun = await ok(['dedup', two, '--shard', '0/2', '--quiet']);
  assert.match(rerun, /7 of 13 parts, 1 signed \(6 signed earlier, kept\)/);
  assert.deepEqual([0, 4].map(signedAt), before, 'the parts signed before were not signed again');

  const merge = await ok(['merge', two]);
  assert.match(merge, /dedup: 2 shards merged: \d+ of 500 rows removed/);
  const [a, b] = [await table(one), await table(two)];
  assert.deepEqual(b, a);
  const removed = (reason: string) => a.filter((r) => r.reason === reason).length;
  assert.ok(removed('exact') >= 50 && removed('fuzzy') >= 100, `exact ${removed('exact')}, fuzzy ${removed('fuzzy')}`);
  assert.deepEqual(dedupStats(two), dedupStats(one));

  // Merged once: a later dedup with the same settings skips; merge says it was merged earlier.
  assert.match(await ok(['dedup', two, ...METHODS]), /dedup: complete for these settings, skipped/);
  assert.match(await ok(['merge', two]), /dedup: 2 shards, merged earlier/);
});
