import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { partName, writeParquet } from '../../../operators/parquet/parquet.js';
import { CLUSTERS, EMBEDDINGS, LABELS, ROWS } from '../../../schemas/tables.js';
import { tempDir } from '../../support/paths.js';

test('views type embedding and centroid as FLOAT[d], so array_cosine_similarity works without a cast', async () => {
  const out = tempDir('views');
  const d = 3;
  const x = new Float32Array([1, 0, 0, 0.6, 0.8, 0, 0, 0, 1, 0.8, 0, 0.6]);
  const ids = ['a', 'b', 'c', 'e'];
  const labels = new Int32Array([0, 0, 1, 1]);
  const centroids = new Float32Array([0.8, 0.4, 0, 0.4, 0, 0.8]);
  for (const t of [EMBEDDINGS, LABELS]) fs.mkdirSync(path.join(out, t.path));
  writeParquet(path.join(out, EMBEDDINGS.path, partName(0)), EMBEDDINGS, { id: ids, embedding: { values: x, dims: d } }, 4);
  writeParquet(path.join(out, LABELS.path, partName(0)), LABELS, { id: ids, cluster: labels, probability: new Float32Array(4).fill(1), reassigned: new Uint8Array(4) }, 4);
  writeParquet(
    path.join(out, CLUSTERS.path),
    CLUSTERS,
    {
      cluster: new Int32Array([0, 1]), size: new BigInt64Array([2n, 2n]), centroid: { values: centroids, dims: d },
      keywords: [[], []],
      keyword_scores: [new Float32Array(0), new Float32Array(0)],
      representative_ids: [[], []],
      representatives: [[], []],
      label: ['', ''],
    },
    2,
  );

  const db = await openRunDatabase(out);
  try {
    const types = new Map<string, string>();
    for (const view of ['embeddings', 'clusters']) {
      for (const row of (await db.connection.runAndReadAll(`DESCRIBE ${view}`)).getRows()) types.set(String(row[0]), String(row[1]));
    }
    assert.equal(types.get('embedding'), 'FLOAT[3]');
    assert.equal(types.get('centroid'), 'FLOAT[3]');
    const rows = (
      await db.connection.runAndReadAll(
        `SELECT e.id, array_cosine_similarity(e.embedding, c.centroid) FROM embeddings e JOIN labels USING (id) JOIN clusters c USING (cluster) ORDER BY e.id`,
      )
    ).getRows();
    assert.equal(rows.length, 4);
    rows.forEach(([id, sim], i) => {
      assert.equal(id, ids[i]);
      const xi = x.subarray(i * d, i * d + d);
      const ci = centroids.subarray(labels[i] * d, labels[i] * d + d);
      const dot = xi.reduce((s, v, j) => s + v * ci[j], 0);
      const norm = Math.hypot(...xi) * Math.hypot(...ci);
      assert.ok(Math.abs(Number(sim) - dot / norm) < 1e-6, `${id}: ${sim} vs ${dot / norm}`);
    });
  } finally {
    db.close();
  }
});

test('row_labels gives every row its cluster beside its user_id: two records of one text share a label row', async () => {
  const out = tempDir('row-labels');
  for (const t of [ROWS, LABELS]) fs.mkdirSync(path.join(out, t.path));
  const rows = { id: ['t1', 't2', 't1'], text: ['a', 'b', 'a'], record: ['{}', '{}', '{}'], source: ['in.jsonl', 'in.jsonl', 'in.jsonl'], line: Float64Array.of(1, 2, 3) };
  writeParquet(path.join(out, ROWS.path, partName(0)), ROWS, { ...rows, user_id: ['u1', null, 'u3'] }, 3);
  writeParquet(path.join(out, LABELS.path, partName(0)), LABELS, { id: ['t1', 't2'], cluster: Int32Array.of(4, 7), probability: Float32Array.of(1, 1), reassigned: new Uint8Array(2) }, 2);
  const db = await openRunDatabase(out);
  try {
    assert.ok(db.views.includes('row_labels'));
    const got = (await db.connection.runAndReadAll('SELECT user_id, id, cluster, line FROM row_labels ORDER BY line')).getRowsJS();
    assert.deepEqual(got, [['u1', 't1', 4, 1n], [null, 't2', 7, 2n], ['u3', 't1', 4, 3n]]);
  } finally {
    db.close();
  }
});
