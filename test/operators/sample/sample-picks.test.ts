import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRng } from '../../../core/util/random.js';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { clusterCentroids, clusterRows, embeddingSpaceCentroids, loadQuotas, randomPicks, writeSampleJsonl, type ClusterRows } from '../../../operators/sample/sample-picks.js';
import { writeClusters, writeEmbeddingsPart, writeLabelsPart, writeRowsPart, writeSample } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

const DIMS = 4;
const SIZES = new Map([[-1, 5], [0, 12], [1, 3], [2, 30]]);

/** A run of 50 ids in two parts: cluster sizes SIZES, vector of id k = [k, k+1, k+2, k+3] / norm. */
function run() {
  const out = tempDir('picks');
  const labels: { id: string; cluster: number; v: Float32Array }[] = [];
  const rng = createRng(4);
  for (const [c, n] of SIZES) for (let i = 0; i < n; i++) labels.push({ id: `${c}-${i}`, cluster: c, v: new Float32Array(0) });
  // Shuffle so clusters are spread over both parts.
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  labels.forEach((l, k) => {
    const v = Float32Array.from({ length: DIMS }, (_, j) => k + j);
    const norm = Math.hypot(...v);
    l.v = v.map((x) => x / norm);
  });
  for (const [p, slice] of [labels.slice(0, 20), labels.slice(20)].entries()) {
    const ids = slice.map((l) => l.id);
    writeEmbeddingsPart(out, p, ids, Float32Array.from(slice.flatMap((l) => [...l.v])), DIMS);
    writeLabelsPart(out, p, ids, slice.map((l) => l.cluster));
    writeRowsPart(out, p, slice.map((l, i) => ({ id: l.id, text: `t ${l.id}`, line: p * 20 + i + 1 })));
  }
  return { out, labels };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

test('seeded random picks: in each cluster with a quota, the ids first by md5("seed:" + id), as many as the quota allows', async () => {
  const { out, labels } = run();
  const quotas = new Map([[0, 4], [1, 10], [2, 0], [-1, 2]]);
  const picks = await withRunDatabase(out, async (conn) => {
    await loadQuotas(conn, Int32Array.from(quotas.keys()), Int32Array.from(quotas.values()));
    return randomPicks(conn, 7);
  });
  for (const [c, q] of quotas) {
    const expected = labels.filter((l) => l.cluster === c).map((l) => l.id).sort((a, b) => (md5(`7:${a}`) < md5(`7:${b}`) ? -1 : 1)).slice(0, q);
    const got = picks.filter((p) => p.cluster === c).sort((a, b) => a.pick - b.pick);
    assert.deepEqual(got.map((p) => p.id), expected, `cluster ${c}`);
    assert.deepEqual(got.map((p) => p.pick), expected.map((_, i) => i));
  }
  const other = await withRunDatabase(out, async (conn) => {
    await loadQuotas(conn, Int32Array.of(2), Int32Array.of(10));
    return randomPicks(conn, 8);
  });
  const seven = await withRunDatabase(out, async (conn) => {
    await loadQuotas(conn, Int32Array.of(2), Int32Array.of(10));
    return randomPicks(conn, 7);
  });
  assert.notDeepEqual(other.map((p) => p.id).sort(), seven.map((p) => p.id).sort(), 'another seed, another sample');
});

test('clusterRows streams each wanted cluster once, ids in order with their vectors, and removes its spill folder', async () => {
  const { out, labels } = run();
  const spill = path.join(out, 'spill');
  const byCluster = async (all: boolean) =>
    withRunDatabase(out, async (conn) => {
      await loadQuotas(conn, Int32Array.of(0, 2), Int32Array.of(1, 1));
      const got: ClusterRows[] = [];
      for await (const c of clusterRows(conn, spill, { all })) got.push({ ...c, values: c.values.slice() });
      return got;
    });
  for (const all of [false, true]) {
    const got = await byCluster(all);
    const wanted = all ? [-1, 0, 1, 2] : [0, 2];
    assert.deepEqual(got.map((c) => c.cluster), wanted);
    for (const c of got) {
      const members = labels.filter((l) => l.cluster === c.cluster).sort((a, b) => (a.id < b.id ? -1 : 1));
      assert.deepEqual(c.ids, members.map((m) => m.id));
      assert.equal(c.dims, DIMS);
      assert.deepEqual(c.values, Float32Array.from(members.flatMap((m) => [...m.v])));
    }
    assert.equal(fs.existsSync(spill), false);
  }
  // A consumer that stops after the first cluster still leaves no spill folder.
  await withRunDatabase(out, async (conn) => {
    for await (const _ of clusterRows(conn, spill, { all: true })) break;
  });
  assert.equal(fs.existsSync(spill), false);
});

test('centroids come back in the order asked; a cluster without one is an inconsistency; embedding-space ones only at the embedding width', async () => {
  const { out } = run();
  writeClusters(out, [0, 1, 2], Float32Array.from([0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2]), DIMS);
  await withRunDatabase(out, async (conn) => {
    const c = await clusterCentroids(conn, Int32Array.of(2, 0));
    assert.equal(c.dims, DIMS);
    assert.deepEqual(c.values, Float32Array.from([2, 2, 2, 2, 0, 0, 0, 1]));
    await assert.rejects(clusterCentroids(conn, Int32Array.of(5)), /cluster 5 has no centroid in clusters\.parquet: the run folder is inconsistent; rerun infer/);
    assert.deepEqual([...(await embeddingSpaceCentroids(conn, DIMS)).keys()].sort(), [0, 1, 2]);
    assert.equal((await embeddingSpaceCentroids(conn, 2)).size, 0, 'centroids in another space (UMAP) are not taken');
  });
});

test('sample.jsonl holds each sampled id\'s first record in input order, in (cluster, pick) order', async () => {
  const out = tempDir('picks');
  writeRowsPart(out, 0, [
    { id: 'b', text: 'b late', source: 'a.jsonl', line: 9 },
    { id: 'a', text: 'a', source: 'a.jsonl', line: 2 },
  ]);
  writeRowsPart(out, 1, [
    { id: 'b', text: 'b early', source: 'a.jsonl', line: 1 },
    { id: 'c', text: 'c', source: 'b.jsonl', line: 1 },
  ]);
  writeSample(out, [
    { id: 'a', cluster: 1, pick: 0 },
    { id: 'c', cluster: 0, pick: 1 },
    { id: 'b', cluster: 0, pick: 0 },
  ]);
  const file = path.join(out, 'sample.jsonl');
  assert.equal(await withRunDatabase(out, (conn) => writeSampleJsonl(conn, file)), 3);
  assert.deepEqual(fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text), ['b early', 'c', 'a']);
});
