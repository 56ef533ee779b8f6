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

test('dedup: word-swapped copies are removed within their cluster, decisions are consistent, kept records written once per id', async () => {
  const dir = tempDir('dedup');
  const file = path.join(dir, 'in.jsonl');
  const lines: string[] = [];
  const copies: [string, string][] = [];
  for (let i = 0; i < 60; i++) {
    TOPICS.forEach((words, t) => {
      const w = (j: number) => words[(i * (2 * j + 3) + j * j) % words.length];
      const text = `${w(0)} ${w(1)} ${w(2)} ${w(3)} ${w(4)} item${i}t${t}`;
      lines.push(JSON.stringify({ text, topic: t }));
      if (i % 4 === 0) {
        // The built-in model is order-blind: a swapped pair of words gives the same vector.
        const [a, b, ...rest] = text.split(' ');
        const copy = [b, a, ...rest].join(' ');
        lines.push(JSON.stringify({ text: copy, topic: t, copy: true }));
        copies.push([text, copy]);
      }
    });
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const out = path.join(dir, 'out');
  const infer = await runCli(['infer', file, out, '--kmeans-num-clusters', '3', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);
  const kept = path.join(dir, 'kept.jsonl');
  const dedup = await runCli(['dedup', out, '--dedup-methods', 'semantic', '--dedup-epsilon', '0.02', '--write-kept', kept, '--quiet']);
  assert.equal(dedup.code, 0, dedup.stderr);
  assert.match(dedup.stderr, /dedup: \d+ of 225 rows removed .*: semantic \d+/);

  // Each copy pair: never both kept, and when one is kept the other names it (both may go
  // when a third text has the same words).
  const decisions = await queryRows(out, `SELECT r.text, d.kept, dk.text AS dup_text, d.similarity FROM dedup d JOIN rows r USING (id) LEFT JOIN rows dk ON dk.id = d.duplicate_of`);
  const byText = new Map(decisions.map((d) => [d.text as string, d]));
  for (const [a, b] of copies) {
    const da = byText.get(a)!;
    const db = byText.get(b)!;
    assert.ok(Number(da.kept) + Number(db.kept) <= 1, `${a} / ${b}`);
    if (da.kept || db.kept) {
      const dropped = da.kept ? db : da;
      assert.equal(dropped.dup_text, dropped === da ? b : a);
    }
    assert.ok(Number((da.kept ? db : da).similarity) > 0.9999);
  }
  // Every dropped id names a kept id of its own cluster and was within 1 − ε of it; kept ids were not.
  const bad = await queryRows(
    out,
    `SELECT count(*)::INT AS n FROM dedup d LEFT JOIN dedup k ON k.id = d.duplicate_of
     WHERE (NOT d.kept AND (k.id IS NULL OR NOT k.kept OR k.cluster <> d.cluster OR d.similarity < 0.98))
        OR (d.kept AND (d.duplicate_of IS NOT NULL OR d.similarity >= 0.98))`,
  );
  assert.deepEqual(bad, [{ n: 0 }]);
  // Only the first id visited in each cluster has no earlier kept id to compare with.
  const firsts = await queryRows(out, 'SELECT count(*) FILTER (WHERE similarity IS NULL AND kept)::INT AS n, count(DISTINCT cluster)::INT AS k FROM dedup');
  assert.deepEqual(firsts, [{ n: 3, k: 3 }]);
  // The cosine similarity recomputed by DuckDB from the embeddings agrees.
  const sims = await queryRows(
    out,
    `SELECT max(abs(array_cosine_similarity(e.embedding, k.embedding) - d.similarity)) AS err FROM dedup d JOIN embeddings e USING (id) JOIN embeddings k ON k.id = d.duplicate_of`,
  );
  assert.ok(Number(sims[0].err) < 1e-5);

  const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.dedup.stats;
  const [{ n: keptIds }] = await queryRows(out, 'SELECT count(*)::INT AS n FROM dedup WHERE kept');
  assert.equal(stats.kept, keptIds);
  assert.equal(stats.rows, 225);
  assert.ok(stats.removed >= copies.length);
  const written = fs.readFileSync(kept, 'utf8').trim().split('\n');
  assert.equal(written.length, keptIds);
  const original = new Set(lines);
  for (const r of written) assert.ok(original.has(r));
  assert.equal(new Set(written.map((r) => JSON.parse(r).text)).size, written.length);
});

test('dedup with exact and fuzzy: one row per input row, exact copies with their lines, edited copies removed as fuzzy, the earliest row kept', async () => {
  const dir = tempDir('dedup-methods');
  const file = path.join(dir, 'in.jsonl');
  const lines: string[] = [];
  const originals: string[] = [];
  for (let i = 0; i < 40; i++) {
    // Two topic words for the model, six of the row's own: originals share at most a fifth of their words.
    const words = TOPICS[i % 3];
    originals.push(`${words[i % 10]} ${words[(i + 3) % 10]} ${[1, 2, 3, 4, 5, 6].map((j) => `w${i}x${j}`).join(' ')}`);
  }
  for (const t of originals) lines.push(JSON.stringify({ text: t }));
  // Later in the file: exact copies of 0–4, case/punctuation copies of 5–9.
  for (let i = 0; i < 5; i++) lines.push(JSON.stringify({ text: originals[i] }));
  for (let i = 5; i < 10; i++) lines.push(JSON.stringify({ text: `${originals[i].toUpperCase()}?!` }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const out = path.join(dir, 'out');
  assert.equal((await runCli(['infer', file, out, '--kmeans-num-clusters', '3', '--quiet'])).code, 0);
  // Semantic off: the built-in model gives these texts' unknown words no vector, so it would group them by topic.
  const dedup = await runCli(['dedup', out, '--dedup-methods', 'exact,fuzzy', '--quiet']);
  assert.equal(dedup.code, 0, dedup.stderr);
  assert.match(dedup.stderr, /dedup: 10 of 50 rows removed \(20\.0%\): exact 5, fuzzy 5;/);
  const rows = await queryRows(out, `SELECT line::INT AS line, kept, reason, group_id, duplicate_of, jaccard FROM dedup d ORDER BY line`);
  assert.equal(rows.length, 50);
  const idOf = await queryRows(out, 'SELECT line::INT AS line, id FROM rows ORDER BY line');
  for (const r of rows) {
    const line = Number(r.line);
    const id = idOf[line - 1].id;
    if (line <= 40) assert.deepEqual([r.kept, r.reason, r.group_id], [true, null, id], `line ${line}`);
    else if (line <= 45) assert.deepEqual([r.kept, r.reason, r.duplicate_of, r.group_id], [false, 'exact', id, id], `line ${line}`);
    else {
      const original = idOf[line - 41].id;
      assert.deepEqual([r.kept, r.reason, r.duplicate_of, r.group_id, r.jaccard], [false, 'fuzzy', original, original, 1], `line ${line}`);
    }
  }
  const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.dedup.stats;
  assert.deepEqual(stats.removed_by, { exact: 5, fuzzy: 5, semantic: 0, against: 0 });
  assert.deepEqual(stats.methods, ['exact', 'fuzzy']);
  assert.deepEqual(stats.fuzzy_bands, { bands: 14, rows: 9 });
  // --sweep reads the stored scores: the dedup is complete and skipped, nothing is recomputed.
  const sweep = await runCli(['dedup', out, '--sweep']);
  assert.equal(sweep.code, 0, sweep.stderr);
  assert.match(sweep.stderr, /dedup: complete for these settings, skipped/);
  const [{ n: atPoint8 }] = await queryRows(out, 'SELECT count(*)::INT AS n FROM dedup WHERE jaccard >= 0.8');
  assert.match(sweep.stdout, new RegExp(`^ +0\\.8 +${atPoint8}$`, 'm'));
  assert.equal(atPoint8, 5);
  assert.doesNotMatch(sweep.stdout, /semantic ε/);
  // Fuzzy alone: an exact copy's later rows follow their first row, which is kept.
  const fuzzyOnly = await runCli(['dedup', out, '--dedup-methods', 'fuzzy', '--quiet']);
  assert.equal(fuzzyOnly.code, 0, fuzzyOnly.stderr);
  assert.match(fuzzyOnly.stderr, /dedup: 5 of 50 rows removed \(10\.0%\): fuzzy 5;/);
});
