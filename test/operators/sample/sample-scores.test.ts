import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createRng } from '../../../core/util/random.js';
import { loadQuotas } from '../../../operators/sample/sample-picks.js';
import { loadScores, scoredPicks } from '../../../operators/sample/sample-scores.js';
import { tempDir } from '../../support/paths.js';
import { runCli } from '../../support/cli.js';

const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');
/** The uniform of sample-scores.ts, in JS: 52 bits of md5(seed:id). */
const uniform = (seed: number, id: string) => (parseInt(md5(`${seed}:${id}`).slice(0, 13), 16) + 0.5) / 2 ** 52;

/** An in-memory database with `rows` and `labels` tables in the run layout. */
async function database(records: { id: string; cluster: number; record: unknown; line?: number }[]): Promise<{ conn: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run('CREATE TABLE rows (id VARCHAR, text VARCHAR, record VARCHAR, source VARCHAR, line BIGINT)');
  await conn.run('CREATE TABLE labels (id VARCHAR, cluster INTEGER, probability FLOAT, reassigned BOOLEAN)');
  const esc = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const rows = records.map((r, i) => `(${esc(r.id)}, 't', ${esc(JSON.stringify(r.record))}, 'in.jsonl', ${r.line ?? i + 1})`);
  for (let i = 0; i < rows.length; i += 1000) await conn.run(`INSERT INTO rows VALUES ${rows.slice(i, i + 1000).join(', ')}`);
  const ids = new Map(records.map((r) => [r.id, r.cluster]));
  const labels = [...ids].map(([id, c]) => `(${esc(id)}, ${c}, 1, false)`);
  for (let i = 0; i < labels.length; i += 1000) await conn.run(`INSERT INTO labels VALUES ${labels.slice(i, i + 1000).join(', ')}`);
  return {
    conn,
    close: () => {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

test('top: the highest scores of each cluster, then unscored ids in the seeded hash order; counts by kind; the first record of an id decides', async () => {
  const rng = createRng(8);
  const records: { id: string; cluster: number; record: unknown; line?: number }[] = [];
  const expectScore = new Map<string, number | null>();
  const kinds = { missing: 0, non_numeric: 0, non_positive: 0 };
  for (let i = 0; i < 300; i++) {
    const id = `id${i}`;
    const cluster = i % 4;
    const r = rng.next();
    let quality: unknown;
    if (r < 0.1) kinds.missing++;
    else if (r < 0.15) {
      quality = null;
      kinds.missing++;
    } else if (r < 0.22) {
      quality = ['high', true, { v: 1 }, '0.5'][i % 4];
      kinds.non_numeric++;
    } else quality = Math.round((rng.next() * 2 - 0.2) * 1000) / 1000;
    const score = typeof quality === 'number' ? quality : null;
    if (score !== null && score <= 0) kinds.non_positive++;
    expectScore.set(id, score);
    records.push({ id, cluster, record: quality === undefined ? { text: 'x' } : { text: 'x', meta: { quality } }, line: 2 * i + 2 });
  }
  // A later duplicate row of id0 with another score does not count: the first record decides.
  records.push({ id: 'id0', cluster: 0, record: { meta: { quality: 99 } }, line: 10_000 });
  const db = await database(records);
  try {
    const counts = await loadScores(db.conn, 'meta.quality');
    assert.deepEqual(counts, { scored: 300 - kinds.missing - kinds.non_numeric, ...kinds });
    const quotas = Int32Array.of(10, 40, 75, 80);
    await loadQuotas(db.conn, Int32Array.of(0, 1, 2, 3), quotas);
    const seed = 3;
    const picks = await scoredPicks(db.conn, seed, 'top');
    for (let c = 0; c < 4; c++) {
      const ids = [...expectScore.keys()].filter((_, i) => i % 4 === c);
      const order = ids.sort((a, b) => {
        const sa = expectScore.get(a)!;
        const sb = expectScore.get(b)!;
        if ((sa === null) !== (sb === null)) return sa === null ? 1 : -1;
        if (sa !== null && sb !== null && sa !== sb) return sb - sa;
        return md5(`${seed}:${a}`) < md5(`${seed}:${b}`) ? -1 : 1;
      });
      const got = picks.filter((p) => p.cluster === c).sort((a, b) => a.pick - b.pick).map((p) => p.id);
      assert.deepEqual(got, order.slice(0, Math.min(quotas[c], order.length)), `cluster ${c}`);
    }
  } finally {
    db.close();
  }
});

test('weighted: the Efraimidis–Spirakis keys computed in JS give the same picks; over 3,000 seeds inclusion matches sequential draws with probability w / Σw', async () => {
  const records = [
    ...Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, cluster: 0, record: { s: 1 + (i % 7) } })),
    { id: 'w1', cluster: 1, record: { s: 1 } },
    { id: 'w2', cluster: 1, record: { s: 2 } },
    { id: 'w3', cluster: 1, record: { s: 3 } },
  ];
  const db = await database(records);
  try {
    await loadScores(db.conn, 's');
    await loadQuotas(db.conn, Int32Array.of(0, 1), Int32Array.of(10, 1));
    const seed = 17;
    const picks = await scoredPicks(db.conn, seed, 'weighted');
    const keys = records.filter((r) => r.cluster === 0).map((r) => [r.id, Math.log(uniform(seed, r.id)) / r.record.s] as const);
    const want = keys.sort((a, b) => b[1] - a[1]).slice(0, 10).map(([id]) => id);
    assert.deepEqual(picks.filter((p) => p.cluster === 0).sort((a, b) => a.pick - b.pick).map((p) => p.id), want);

    const SEEDS = 3000;
    const one = new Map<string, number>();
    const excluded = new Map<string, number>();
    for (let s = 0; s < SEEDS; s++) {
      await loadQuotas(db.conn, Int32Array.of(1), Int32Array.of(1));
      const [p] = await scoredPicks(db.conn, s, 'weighted');
      one.set(p.id, (one.get(p.id) ?? 0) + 1);
      await loadQuotas(db.conn, Int32Array.of(1), Int32Array.of(2));
      const two = new Set((await scoredPicks(db.conn, s, 'weighted')).map((q) => q.id));
      for (const id of ['w1', 'w2', 'w3']) if (!two.has(id)) excluded.set(id, (excluded.get(id) ?? 0) + 1);
    }
    // One draw: w / 6. Two draws: an id is left out when it would be drawn last, i.e. after
    // the other two in either order: P = (y/6)·(z/(z+x)) + (z/6)·(y/(y+x)) for weights x (its own), y, z.
    const wantOne = { w1: 1 / 6, w2: 2 / 6, w3: 3 / 6 };
    const last = (x: number, y: number, z: number) => (y / 6) * (z / (z + x)) + (z / 6) * (y / (y + x));
    const wantExcluded = { w1: last(1, 2, 3), w2: last(2, 1, 3), w3: last(3, 1, 2) };
    for (const id of ['w1', 'w2', 'w3'] as const) {
      // 4 standard deviations of a binomial share over 3,000 seeds is at most 0.037.
      assert.ok(Math.abs((one.get(id) ?? 0) / SEEDS - wantOne[id]) < 0.037, `${id}: one draw ${(one.get(id) ?? 0) / SEEDS} vs ${wantOne[id]}`);
      assert.ok(Math.abs((excluded.get(id) ?? 0) / SEEDS - wantExcluded[id]) < 0.037, `${id}: left out of two ${(excluded.get(id) ?? 0) / SEEDS} vs ${wantExcluded[id]}`);
    }
  } finally {
    db.close();
  }
});

test('semclust sample --within top --score-key: per-cluster top scores end to end, counts reported; --within top without a key is refused before the old sample is removed', async () => {
  const dir = tempDir('scores');
  const words = [['card', 'delivery', 'mail', 'post'], ['exchange', 'rate', 'euro', 'dollar'], ['pin', 'blocked', 'reset', 'code']];
  const lines: string[] = [];
  const rng = createRng(2);
  for (let i = 0; i < 150; i++) {
    const w = words[i % 3];
    const record: Record<string, unknown> = { text: `${w[rng.int(4)]} ${w[rng.int(4)]} ${w[rng.int(4)]} t${i}` };
    if (i % 10 !== 0) record.q = { score: i % 10 === 5 ? 'n/a' : rng.next() };
    lines.push(JSON.stringify(record));
  }
  const file = path.join(dir, 'in.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const out = path.join(dir, 'out');
  assert.equal((await runCli(['infer', file, out, '--kmeans-num-clusters', '3', '--quiet'])).code, 0);
  assert.equal((await runCli(['sample', out, '--sample-size', '30', '--quiet'])).code, 0);
  const bad = await runCli(['sample', out, '--within', 'weighted']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--within weighted ranks by a score: give --score-key PATH/);
  assert.ok(fs.existsSync(path.join(out, 'sample.parquet')), 'the old sample is kept');

  const r = await runCli(['sample', out, '--sample-size', '30', '--per-cluster', 'equal', '--within', 'top', '--score-key', 'q.score']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /q\.score scored 120 ids; missing 15, not a number 15 \(drawn only after every scored id of their cluster\)/);
  const q = await runCli([
    'query',
    out,
    `WITH s AS (SELECT l.cluster, json_extract(r.record, '$.q.score')::DOUBLE AS score, s.id IS NOT NULL AS picked
       FROM labels l JOIN rows r USING (id) LEFT JOIN sample s USING (id) WHERE json_type(r.record, '$.q.score') = 'DOUBLE')
     SELECT cluster, min(score) FILTER (WHERE picked) AS lo, max(score) FILTER (WHERE NOT picked) AS hi, count(*) FILTER (WHERE picked)::INT AS n FROM s GROUP BY 1 ORDER BY 1`,
    '--format',
    'json',
  ]);
  assert.equal(q.code, 0, q.stderr);
  const rows = q.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 3);
  for (const c of rows) {
    assert.equal(c.n, 10);
    // Every picked score beats every score left out of its cluster.
    assert.ok(c.hi === null || c.lo > c.hi, JSON.stringify(c));
  }
  const stats = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).stages.sample.stats;
  assert.deepEqual(stats.scores, { scored: 120, missing: 15, non_numeric: 15, non_positive: 0 });

});
