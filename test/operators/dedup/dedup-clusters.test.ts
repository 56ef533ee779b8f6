import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../../core/util/random.js';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { semanticDedup, type SemanticOptions } from '../../../operators/dedup/dedup-clusters.js';
import { writeEmbeddingsPart, writeLabelsPart } from '../../support/run-parts.js';
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

async function dedup(out: string, over: Partial<SemanticOptions> = {}) {
  const spillDir = path.join(out, 'spill');
  const decisions: [string, number, boolean, string | null, number | null][] = [];
  const clusters = await withRunDatabase(out, (conn) =>
    semanticDedup(conn, DIMS, { epsilon: EPSILON, keep: 'nearest', seed: 1, spillDir, ...over }, (id, cluster, d) =>
      decisions.push([id, cluster, d ? d.kept : true, d ? d.duplicateOf : null, d && !Number.isNaN(d.similarity) ? d.similarity : null]),
    ),
  );
  assert.equal(fs.existsSync(spillDir), false, 'the spill folder is removed');
  decisions.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return { clusters, decisions };
}

test('every row gets one decision: a dropped row names a kept row of its cluster within 1 − ε, kept rows are never that close, noise is kept', async () => {
  const { out, vectors, clusterOf } = run();
  const { clusters: totals, decisions } = await dedup(out);
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
  assert.ok(decisions.some((d) => !d[2]), 'the planted near-copies are found');
  // Clusters plus the noise group.
  assert.equal(totals, 5);
});

test('the decisions do not depend on how many clusters run at once', async () => {
  const { out } = run();
  const one = await dedup(out, { concurrency: 1 });
  const three = await dedup(out, { concurrency: 3 });
  assert.deepEqual(three.decisions, one.decisions);
});

test('skipped ids (removed by an earlier method) are reported uncompared and never named as kept; off, nothing is compared', async () => {
  const { out, clusterOf } = run();
  const all = await dedup(out);
  // Skip every kept row that some other row duplicates: those rows must now find another keeper or stay.
  const keepers = new Set(all.decisions.filter((d) => d[3] !== null).map((d) => d[3]!));
  const skipped = await dedup(out, { skip: (id) => keepers.has(id) });
  for (const [id, cluster, kept, dupOf] of skipped.decisions) {
    assert.equal(cluster, clusterOf.get(id));
    if (keepers.has(id)) assert.deepEqual([kept, dupOf], [true, null], id);
    else if (dupOf !== null) assert.ok(!keepers.has(dupOf), `${id} names skipped ${dupOf}`);
  }
  const off = await dedup(out, { enabled: false });
  assert.equal(off.decisions.length, clusterOf.size);
  assert.ok(off.decisions.every((d) => d[2] && d[3] === null && d[4] === null));
});
