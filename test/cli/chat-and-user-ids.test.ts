/**
 * Chat datasets and the records' own ids through the real command line (issue 23 items 1, 2):
 * --format messages with --roles/--turns, rejects with their file and line, a changed turn
 * choice redoing embed; --id-key carrying each record's id into rows, sample.parquet and the
 * report while identical texts stay separate rows embedded once; --id-unique refusing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { sotuSample } from '../support/corpus.js';
import { withRunDatabase } from '../../operators/duckdb/duckdb-views.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/paths.js';

const manifest = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
/** SQL over a run's views (those `semclust query` has), in this process: a child per query would cost seconds. */
const queryRows = (out: string, q: string) => withRunDatabase(out, async (c) => (await c.runAndReadAll(q)).getRowObjectsJS());
const write = (file: string, records: unknown[]) => fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

test('--format messages: system + first user turn per record, empty user turns rejected by file and line, --turns last redoes embed', { timeout: 120_000 }, async () => {
  const dir = tempDir('chat-cli');
  const file = path.join(dir, 'chat.jsonl');
  const passages = sotuSample(60).map((p) => p.text);
  write(
    file,
    passages.map((text, i) => ({
      messages: [
        { role: 'system', content: 'Summarise the speech.' },
        { role: 'user', content: i % 20 === 7 ? '' : text },
        { role: 'assistant', content: 'Done.' },
        { role: 'user', content: `Shorter, please (${i}).` },
      ],
    })),
  );
  const out = path.join(dir, 'out');
  const first = await runCli(['embed', file, out, '--format', 'messages', '--roles', 'user,system', '--quiet']);
  assert.equal(first.code, 0, first.stderr);
  const rows = await queryRows(out, 'SELECT line, text FROM rows ORDER BY line');
  // Records 8, 28, 48 (i = 7, 27, 47) have an empty first user turn: their text is the system
  // prompt and the second user turn, since --turns first takes the first turn with text.
  assert.equal(rows.length, 60);
  assert.equal(rows[0].text, `Summarise the speech.\n\n${passages[0]}`);
  assert.equal(rows[7].text, 'Summarise the speech.\n\nShorter, please (7).');
  const rejects0 = fs.existsSync(path.join(out, 'rejects.jsonl')) ? fs.readFileSync(path.join(out, 'rejects.jsonl'), 'utf8').trim() : '';
  assert.equal(rejects0, '');

  // A new turn choice redoes embed; --roles user,system is remembered for OUTDIR.
  const last = await runCli(['embed', file, out, '--format', 'messages', '--turns', 'last']);
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stderr + last.stdout, /turns/, 'the plan names the changed setting');
  const lastRows = await queryRows(out, 'SELECT text FROM rows ORDER BY line');
  assert.deepEqual(lastRows.map((r) => r.text), passages.map((_, i) => `Summarise the speech.\n\nShorter, please (${i}).`));

  // Two ways of making the text at once are refused before anything runs.
  const both = await runCli(['embed', file, path.join(dir, 'both'), '--format', 'sharegpt', '--text-template', '{a} {b}']);
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /--text-template and --format sharegpt each say how to make the text: give one/);
  assert.equal(fs.existsSync(path.join(dir, 'both', 'rows')), false);

  // Records whose only user turn is empty are rejects naming the turns they have.
  const empty = path.join(dir, 'empty.jsonl');
  write(empty, [
    { messages: [{ role: 'user', content: passages[1] }] },
    { messages: [{ role: 'system', content: 'Hi' }, { role: 'user', content: ' ' }] },
    { messages: [{ role: 'user', content: passages[2] }] },
  ]);
  const out2 = path.join(dir, 'out2');
  const r = await runCli(['embed', empty, out2, '--format', 'messages', '--max-reject-rate', '0.5', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const rejects = fs.readFileSync(path.join(out2, 'rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rejects, [{ source: empty, line: 2, reason: 'no_turn', detail: 'no user turn with text (turns system, user (empty))' }]);
});

test('--id-key: identical texts stay two rows with one embedding; rows, sample and report carry the user ids; --id-unique refuses a repeated id', { timeout: 180_000 }, async () => {
  const dir = tempDir('ids-cli');
  const file = path.join(dir, 'in.jsonl');
  const passages = sotuSample(90).map((p) => p.text);
  // 90 records with ids r0…r89, then 10 records repeating texts 0–9 under ids d0…d9, and one record without an id.
  const records: unknown[] = passages.map((text, i) => ({ meta: { uid: `r${i}` }, text }));
  for (let i = 0; i < 10; i++) records.push({ meta: { uid: `d${i}` }, text: passages[i] });
  records.push({ text: 'A record that has no id of its own.' });
  write(file, records);
  const out = path.join(dir, 'out');
  const run = await runCli(['infer', file, out, '--id-key', 'meta.uid', '--kmeans-num-clusters', '3', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /1 records have no id at meta\.uid/);
  const [counts] = await queryRows(out, 'SELECT count(*)::INT AS rows, count(DISTINCT id)::INT AS ids, count(user_id)::INT AS with_id, (SELECT count(*)::INT FROM embeddings) AS vectors FROM rows');
  assert.deepEqual(counts, { rows: 101, ids: 91, with_id: 100, vectors: 91 });
  const pair = await queryRows(out, `SELECT user_id, id FROM rows WHERE text = '${passages[3].replace(/'/g, "''")}' ORDER BY line`);
  assert.deepEqual(pair.map((p) => p.user_id), ['r3', 'd3']);
  assert.equal(pair[0].id, pair[1].id, 'one text id, so one embedding');
  const stats = manifest(out).stages.embed.stats;
  assert.deepEqual([stats.user_ids_missing, stats.user_ids_duplicated], [1, 0]);
  const labelled = await queryRows(out, "SELECT user_id, cluster FROM row_labels WHERE user_id IN ('r3', 'd3') ORDER BY line");
  assert.equal(labelled.length, 2);
  assert.equal(labelled[0].cluster, labelled[1].cluster);
  const [{ n }] = await queryRows(out, 'SELECT count(*)::INT AS n FROM row_labels');
  assert.equal(n, 101);

  const sample = await runCli(['sample', out, '--sample-size', '1000', '--quiet']);
  assert.equal(sample.code, 0, sample.stderr);
  // Every text is sampled; each carries the id of its first record (the one sample.jsonl holds).
  const picked = await queryRows(out, 'SELECT s.user_id, (SELECT r.user_id FROM rows r WHERE r.id = s.id ORDER BY r.line LIMIT 1) AS first FROM sample s');
  assert.equal(picked.length, 91);
  assert.ok(picked.every((p) => p.user_id === p.first), JSON.stringify(picked.find((p) => p.user_id !== p.first)));
  assert.equal(picked.filter((p) => p.user_id === null).length, 1);
  const jsonl = fs.readFileSync(path.join(out, 'sample.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const [firstPick] = await queryRows(out, 'SELECT user_id FROM sample ORDER BY cluster, pick LIMIT 1');
  assert.equal(jsonl[0].meta?.uid ?? null, firstPick.user_id);
  const report = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(report, /"userIds":\["[rd]\d+/);

  // dedup: one row per record, each with its own id; the later record of the shared text is the exact copy.
  const dedup = await runCli(['dedup', out, '--quiet']);
  assert.equal(dedup.code, 0, dedup.stderr);
  const decided = await queryRows(out, 'SELECT d.user_id, r.user_id AS record_id FROM dedup d JOIN rows r USING (source, line)');
  assert.equal(decided.length, 101);
  assert.ok(decided.every((d) => d.user_id === d.record_id), JSON.stringify(decided.find((d) => d.user_id !== d.record_id)));
  const copies = await queryRows(out, "SELECT user_id, kept, reason FROM dedup WHERE user_id IN ('r3', 'd3') ORDER BY line");
  assert.deepEqual(copies.map((c) => [c.user_id, c.kept, c.reason]), [['r3', true, null], ['d3', false, 'exact']]);
  assert.match(report, /"r3, d3"/, 'a text with two records shows both ids');

  // A repeated id is counted, and refused under --id-unique naming both lines.
  const dup = path.join(dir, 'dup.jsonl');
  write(dup, [{ uid: 'x', text: passages[0] }, { uid: 'y', text: passages[1] }, { uid: 'x', text: passages[2] }]);
  const counted = await runCli(['embed', dup, path.join(dir, 'dup-out'), '--id-key', 'uid', '--quiet']);
  assert.equal(counted.code, 0, counted.stderr);
  const dupStats = manifest(path.join(dir, 'dup-out')).stages.embed.stats;
  assert.deepEqual([dupStats.user_ids_missing, dupStats.user_ids_duplicated], [0, 1]);
  assert.match(counted.stdout + counted.stderr, /user_ids_missing=0 {2}user_ids_duplicated=1/, 'the summary shows the counts');
  const refused = await runCli(['embed', dup, path.join(dir, 'dup-refused'), '--id-key', 'uid', '--id-unique', '--quiet']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, new RegExp(`"x" first at ${dup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1 and again at .*dup\\.jsonl:3; --id-unique refuses them`));
});
