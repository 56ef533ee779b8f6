import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDINGS, FILES, ROWS } from '../../schemas/tables.js';
import { sotuChatJsonl, sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';
import { parts, sql } from '../support/sql.js';
import { runCli, startCli } from '../support/cli.js';
import { RECIPE_REVISION } from '../../operators/embedders/static-model.js';
import { UNKNOWN_IDS_SQL } from '../../pipeline/stages/sample-warnings.js';

test('10,000 State of the Union passages as text, as chat prompts and from stdin give 10,000 rows with the same ids', async () => {
  const root = tempDir('sotu');
  const plain = sotuJsonl(10_000);
  const a = await runCli(['embed', plain, path.join(root, 'A'), '--text-key', 'text', '--quiet']);
  assert.equal(a.code, 0, a.stderr);
  const b = await runCli(['embed', sotuChatJsonl(10_000), path.join(root, 'B'), '--message-key', 'request.messages[0].content', '--quiet']);
  assert.equal(b.code, 0, b.stderr);
  const c = await runCli(['embed', '-', path.join(root, 'C'), '--text_key', 'text', '--quiet'], fs.readFileSync(plain));
  assert.equal(c.code, 0, c.stderr);

  for (const name of ['A', 'B', 'C']) {
    const [[rows]] = await sql<[number]>(`SELECT count(*)::INT FROM ${parts(path.join(root, name), ROWS)}`);
    assert.equal(rows, 10_000, name);
  }
  const diff = await sql(
    `(SELECT DISTINCT id FROM ${parts(path.join(root, 'A'), ROWS)}) EXCEPT (SELECT DISTINCT id FROM ${parts(path.join(root, 'B'), ROWS)})
     UNION ALL
     (SELECT DISTINCT id FROM ${parts(path.join(root, 'A'), ROWS)}) EXCEPT (SELECT DISTINCT id FROM ${parts(path.join(root, 'C'), ROWS)})`,
  );
  assert.equal(diff.length, 0);
  // One vector per distinct id, unit length.
  const [[n, distinct, minNorm, maxNorm]] = await sql<number[]>(
    `SELECT count(*)::INT, count(DISTINCT id)::INT, min(sqrt(list_sum(list_transform(embedding, x -> x * x)))), max(sqrt(list_sum(list_transform(embedding, x -> x * x))))
     FROM ${parts(path.join(root, 'A'), EMBEDDINGS)}`,
  );
  assert.equal(n, distinct);
  assert.ok(Math.abs(minNorm - 1) < 1e-4 && Math.abs(maxNorm - 1) < 1e-4, `${minNorm} ${maxNorm}`);
});

test('bad lines: the run completes, every bad line is in rejects.jsonl, every good row is kept', async () => {
  const root = tempDir('badrun');
  const file = path.join(root, 'mixed.jsonl');
  const good = Array.from({ length: 50 }, (_, i) => JSON.stringify({ text: `good row number ${i}` }));
  const lines = [...good.slice(0, 25), '{oops', '{"text": 3}', '{"text": ""}', '{"nope": "x"}', ...good.slice(25), JSON.stringify({ text: 'z'.repeat(500) })];
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const out = path.join(root, 'out');
  const r = await runCli(['embed', file, out, '--max-reject-rate', '0.2', '--max-line-bytes', '200', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const rejects = fs.readFileSync(path.join(out, FILES.rejects), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    rejects.map((x) => [x.line, x.reason]).sort((a, b) => a[0] - b[0]),
    [[26, 'invalid_json'], [27, 'not_a_string'], [28, 'empty_text'], [29, 'missing_key'], [55, 'line_too_long']],
  );
  const texts = (await sql<[string]>(`SELECT text FROM ${parts(out, ROWS)} ORDER BY line`)).map((x) => x[0]);
  assert.deepEqual(texts, good.map((g) => JSON.parse(g).text));
  const manifest = JSON.parse(fs.readFileSync(path.join(out, FILES.manifest), 'utf8'));
  assert.equal(manifest.stages.embed.stats.rejected, 5);
  assert.equal(manifest.stages.embed.stats.rows, 50);
});

test('a run whose reject rate exceeds --max-reject-rate stops with a message naming the cause', async () => {
  const root = tempDir('rate');
  const file = path.join(root, 'wrongkey.jsonl');
  fs.writeFileSync(file, Array.from({ length: 20 }, (_, i) => JSON.stringify({ body: `t${i}` })).join('\n') + '\n');
  const r = await runCli(['embed', file, path.join(root, 'out'), '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /20 of 20 lines rejected/);
  assert.match(r.stderr, /missing_key: 20 \(first at .*wrongkey\.jsonl:1/);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'out', FILES.manifest), 'utf8'));
  assert.equal(manifest.stages.embed.status, 'running');
});

test('a finished stage is skipped; a changed setting redoes it', async () => {
  const root = tempDir('resume');
  const file = path.join(root, 'in.jsonl');
  fs.writeFileSync(file, Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: `t ${i}`, alt: `alt ${i}` })).join('\n') + '\n');
  const out = path.join(root, 'out');
  assert.equal((await runCli(['embed', file, out, '--quiet'])).code, 0);
  const first = JSON.parse(fs.readFileSync(path.join(out, FILES.manifest), 'utf8')).stages.embed;
  const again = await runCli(['embed', file, out]);
  assert.match(again.stderr, /embed: complete .* skipped/);
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, FILES.manifest), 'utf8')).stages.embed.finished_at, first.finished_at);
  assert.equal((await runCli(['embed', file, out, '--text-key', 'alt', '--quiet'])).code, 0);
  const texts = await sql<[string]>(`SELECT text FROM ${parts(out, ROWS)} ORDER BY line LIMIT 1`);
  assert.equal(texts[0][0], 'alt 0');
});

test('kill -9 during embed, then the same command: the result equals an uninterrupted run', async () => {
  const root = tempDir('kill');
  const file = path.join(root, 'big.jsonl');
  const words = ['card', 'transfer', 'refund', 'atm', 'pin', 'fee', 'top', 'up', 'exchange', 'rate', 'lost', 'stolen', 'cash'];
  const lines: string[] = [];
  // 120k lines over 50k distinct texts: the dedupe set must also survive the restart.
  for (let i = 0; i < 120_000; i++) {
    const j = i % 50_000;
    lines.push(JSON.stringify({ text: `${words[j % 13]} ${words[(j * 7) % 13]} ${words[(j * 11) % 13]} ${j}` }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const args = (out: string) => ['embed', file, out, '--part-rows', '8192', '--quiet'];

  const killed = path.join(root, 'killed');
  const run = startCli(args(killed));
  const embDir = path.join(killed, EMBEDDINGS.path);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (fs.existsSync(embDir) && fs.readdirSync(embDir).filter((f) => f.endsWith('.parquet')).length >= 2) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  run.child.kill('SIGKILL');
  const k = await run.done;
  assert.equal(k.signal, 'SIGKILL', 'the run was killed mid-stage');
  assert.equal(JSON.parse(fs.readFileSync(path.join(killed, FILES.manifest), 'utf8')).stages.embed.status, 'running');

  assert.equal((await runCli(args(killed))).code, 0);
  const clean = path.join(root, 'clean');
  assert.equal((await runCli(args(clean))).code, 0);

  const [[total, distinct]] = await sql<number[]>(`SELECT count(*)::INT, count(DISTINCT id)::INT FROM ${parts(killed, EMBEDDINGS)}`);
  assert.equal(total, distinct, 'no duplicate ids');
  const [[missing, extra, differing]] = await sql<number[]>(`
    WITH a AS (SELECT id, embedding FROM ${parts(killed, EMBEDDINGS)}),
         b AS (SELECT id, embedding FROM ${parts(clean, EMBEDDINGS)})
    SELECT (SELECT count(*) FROM b ANTI JOIN a USING (id))::INT,
           (SELECT count(*) FROM a ANTI JOIN b USING (id))::INT,
           (SELECT count(*) FROM a JOIN b USING (id) WHERE a.embedding <> b.embedding)::INT`);
  assert.deepEqual([missing, extra, differing], [0, 0, 0]);
  assert.equal(distinct, 50_000);
  const [[rows]] = await sql<number[]>(`SELECT count(*)::INT FROM ${parts(killed, ROWS)}`);
  assert.equal(rows, 120_000);
});

test('an OUTDIR embedded by an older built-in recipe is embedded again, even when only a new input file was added, and says why', async () => {
  const root = tempDir('recipe');
  const folder = path.join(root, 'in');
  fs.mkdirSync(folder);
  const lines = (from: number) => Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: i % 4 ? `the bank said money ${from + i}` : `${from + i})` })).join('\n') + '\n';
  fs.writeFileSync(path.join(folder, 'a.jsonl'), lines(0));
  const out = path.join(root, 'out');
  assert.equal((await runCli(['embed', folder, out, '--quiet'])).code, 0);
  const manifestFile = path.join(out, FILES.manifest);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  assert.equal(manifest.stages.embed.stats.static_recipe, RECIPE_REVISION);
  // What recipe 2 recorded: no static_recipe, and a key of its own.
  delete manifest.stages.embed.stats.static_recipe;
  manifest.stages.embed.key = 'recipe-2-key';
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  fs.writeFileSync(path.join(folder, 'b.jsonl'), lines(20));
  const again = await runCli(['embed', folder, out, '--quiet']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /built-in model recipe 2 or earlier → 3 \(rows with no known word get a vector from their characters\)/);
  assert.match(again.stderr, /embed will be redone/);
  const stats = JSON.parse(fs.readFileSync(manifestFile, 'utf8')).stages.embed.stats;
  assert.equal(stats.static_recipe, RECIPE_REVISION);
  assert.equal(stats.resumed_parts, 0);
  // Every row of both files is embedded by this recipe: the ten "N)" rows have their characters' vectors.
  const [[rows, fragments]] = await sql<[bigint, bigint]>(`SELECT count(*), count(*) FILTER (WHERE id IN (${UNKNOWN_IDS_SQL.replace('embeddings', parts(out, EMBEDDINGS))})) FROM ${parts(out, EMBEDDINGS)}`);
  assert.equal(Number(rows), 40);
  assert.equal(Number(fragments), 10);
  // The same recipe again: skipped.
  assert.match((await runCli(['embed', folder, out])).stderr, /embed: complete .* skipped/);
});
