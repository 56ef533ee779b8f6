import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../../core/util/random.js';
import { DEDUP } from '../../../schemas/tables.js';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { dedupClusters, type DedupOptions } from '../../../operators/dedup/dedup-clusters.js';
import { writeEmbeddingsPart, writeLabelsPart } from '../../support/run-parts.js';
import { sql } from '../../support/sql.js';
import { tempDir } from '../../support/paths.js';

const DIMS = 8;
const EPSILON = 0.05;

/** Four clusters of 40 rows around their own direction, every third row a near-copy of an earlier one; 6 noise rows. */
function run(): { out: string; vectors: Map<string, Float32Array>; clusterOf: Map<string, number> } {
  const out = tempDir('dedup');
  const rng = createRng(13);
  const vectors = new Map<string, Float32Array>();
  const clusterOf = new Map<string, number>();
  const unit = (v: number[]) => {
    const n = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / n);
  };
  const rows: string[] = [];
  for (let c = -1; c < 4; c++) {
    const n = c < 0 ? 6 : 40;
    const made: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const id = `c${c}r${i}`;
      const v =
        i % 3 === 2
          ? unit([...made[Math.floor(rng.next() * made.length)]].map((x) => x + rng.gaussian() * 0.02))
          : unit(Array.from({ length: DIMS }, (_, j) => rng.gaussian() * 0.6 + (c >= 0 && j === c ? 2 : 0)));
      made.push(v);
      vectors.set(id, v);
      clusterOf.set(id, c);
      rows.push(id);
    }
  }
  // Two parts, clusters spread over both.
  const order = rows.map((id, i) => ({ id, key: (i * 7919) % rows.length })).sort((a, b) => a.key - b.key).map((r) => r.id);
  for (const [p, ids] of [order.slice(0, 90), order.slice(90)].entries()) {
    writeEmbeddingsPart(out, p, ids, Float32Array.from(ids.flatMap((id) => [...vectors.get(id)!])), DIMS);
    writeLabelsPart(out, p, ids, ids.map((id) => clusterOf.get(id)!));
  }
  return { out, vectors, clusterOf };
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j], 0);

async function dedup(out: string, over: Partial<DedupOptions> = {}) {
  const spillDir = path.join(out, 'spill');
  const totals = await withRunDatabase(out, (conn) => dedupClusters(conn, out, DIMS, { epsilon: EPSILON, keep: 'nearest', seed: 1, partRows: 50, spillDir, ...over }));
  assert.equal(fs.existsSync(spillDir), false, 'the spill folder is removed');
  const decisions = await sql<[string, number, boolean, string | null, number | null]>(`SELECT id, cluster, kept, duplicate_of, similarity FROM read_parquet('${out}/${DEDUP.path}/*.parquet') ORDER BY id`);
  return { totals, decisions };
}

test('every row gets one decision: a dropped row names a kept row of its cluster within 1 − ε, kept rows are never that close, noise is kept', async () => {
  const { out, vectors, clusterOf } = run();
  const { totals, decisions } = await dedup(out);
  assert.deepEqual(decisions.map((d) => d[0]), [...vectors.keys()].sort());
  const kept = new Set(decisions.filter((d) => d[2]).map((d) => d[0]));
  for (const [id, cluster, isKept, dupOf, similarity] of decisions) {
    assert.equal(cluster, clusterOf.get(id));
    if (cluster === -1) {
      assert.deepEqual([isKept, dupOf, similarity], [true, null, null], id);
      continue;
    }
    if (isKept) {
      assert.equal(dupOf, null);
      continue;
    }
    assert.ok(dupOf !== null && kept.has(dupOf) && clusterOf.get(dupOf) === cluster, `${id} → ${dupOf}`);
    const cos = cosine(vectors.get(id)!, vectors.get(dupOf)!);
    assert.ok(cos >= 1 - EPSILON - 1e-5, `${id}: cosine ${cos} to ${dupOf}`);
    assert.ok(Math.abs(cos - similarity!) < 1e-4, `${id}: similarity ${similarity} vs ${cos}`);
  }
  for (let c = 0; c < 4; c++) {
    const ks = [...kept].filter((id) => clusterOf.get(id) === c);
    for (let i = 0; i < ks.length; i++) for (let j = i + 1; j < ks.length; j++) assert.ok(cosine(vectors.get(ks[i])!, vectors.get(ks[j])!) < 1 - EPSILON + 1e-5, `${ks[i]} and ${ks[j]} both kept`);
  }
  const removedIn = (c: number) => decisions.filter((d) => d[1] === c && !d[2]).length;
  const removed = decisions.filter((d) => !d[2]).length;
  assert.ok(removed > 0, 'the planted near-copies are found');
  assert.deepEqual(
    [totals.rows, totals.removed, totals.kept, totals.noise_rows, totals.clusters],
    [vectors.size, removed, vectors.size - removed, 6, 4],
  );
  assert.equal(totals.clusters_with_duplicates, [0, 1, 2, 3].filter((c) => removedIn(c) > 0).length);
  for (const [c, n, r] of totals.most_removed) assert.deepEqual([n, r], [40, removedIn(c)], `cluster ${c}`);
});

test('the decisions do not depend on how many clusters run at once; parts hold whole clusters', async () => {
  const { out } = run();
  const one = await dedup(out, { concurrency: 1 });
  const three = await dedup(out, { concurrency: 3 });
  assert.deepEqual(three.decisions, one.decisions);
  assert.deepEqual(three.totals, one.totals);
  const perPart = await sql<[string, number]>(`SELECT filename, count(DISTINCT cluster)::INT FROM read_parquet('${out}/${DEDUP.path}/*.parquet', filename = true) GROUP BY ALL`);
  const spans = await sql<[number, number]>(`SELECT cluster, count(DISTINCT filename)::INT FROM read_parquet('${out}/${DEDUP.path}/*.parquet', filename = true) GROUP BY ALL`);
  assert.ok(perPart.length > 1, 'more than one part at 50 rows a part');
  assert.ok(spans.every(([, files]) => files === 1), 'no cluster is split over two parts');
});
