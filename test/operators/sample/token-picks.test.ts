import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { loadTokenCounts } from '../../../operators/sample/token-counts.js';
import { takeTokenPicks, tokenQuotas } from '../../../operators/sample/token-picks.js';
import { allocateQuotas } from '../../../core/sample/allocate-quotas.js';
import { writeEmbeddingsPart, writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

/** Cluster 0: 10 rows of 3 words; cluster 1: 4 rows of 10 words; 2 noise rows of 50 words. */
function run() {
  const out = tempDir('token-picks');
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, words: 3, cluster: 0 })),
    ...Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, words: 10, cluster: 1 })),
    ...Array.from({ length: 2 }, (_, i) => ({ id: `n${i}`, words: 50, cluster: -1 })),
  ];
  writeRowsPart(out, 0, rows.map((r, i) => ({ id: r.id, text: Array.from({ length: r.words }, (_, j) => `w${j}`).join(' '), line: i + 1 })));
  writeEmbeddingsPart(out, 0, rows.map((r) => r.id), new Float32Array(rows.length * 2), 2);
  writeLabelsPart(out, 0, rows.map((r) => r.id), rows.map((r) => r.cluster));
  return out;
}

test('tokenQuotas: budgets are the per_cluster rule over the clusters\' token totals (noise apart); row quotas leave room to skip', async () => {
  const out = run();
  const q = await withRunDatabase(out, async (conn) => {
    await loadTokenCounts(conn, 'words');
    return tokenQuotas(conn, Int32Array.of(0, 1), Int32Array.of(10, 4), 40, 'sqrt', 3);
  });
  // Totals: 30 and 40 words.
  assert.deepEqual([...q.budgets], [...allocateQuotas([30, 40], 40, 'sqrt', 3)]);
  // Cluster 0: 2·⌈budget / 3⌉ + 8 capped at its 10 rows; cluster 1: 2·⌈budget / 10⌉ + 8 capped at 4.
  assert.deepEqual([...q.quotas], [Math.min(10, 2 * Math.ceil(q.budgets[0] / 3) + 8), 4]);
});

test('takeTokenPicks: cuts each cluster\'s picks in their order to its budget, renumbers them, and fills the unspent rest', async () => {
  const out = run();
  const picks = [...Array.from({ length: 10 }, (_, i) => ({ id: `a${9 - i}`, cluster: 0, pick: i })), ...Array.from({ length: 4 }, (_, i) => ({ id: `b${i}`, cluster: 1, pick: i }))];
  const r = await withRunDatabase(out, async (conn) => {
    await loadTokenCounts(conn, 'words');
    // Budgets 7 and 25: cluster 0 takes 2 rows (6 words), cluster 1 2 rows (20); the 7 unspent of 33 go to
    // cluster 0's next two rows (6 more); 32, and no row of 1 word is left.
    return takeTokenPicks(conn, picks, Int32Array.of(0, 1), Int32Array.of(7, 25), 33);
  });
  assert.equal(r.tokens, 32);
  assert.deepEqual(r.picks, [
    { id: 'a9', cluster: 0, pick: 0 },
    { id: 'a8', cluster: 0, pick: 1 },
    { id: 'a7', cluster: 0, pick: 2 },
    { id: 'a6', cluster: 0, pick: 3 },
    { id: 'b0', cluster: 1, pick: 0 },
    { id: 'b1', cluster: 1, pick: 1 },
  ]);
});
