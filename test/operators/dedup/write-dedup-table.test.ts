import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEDUP } from '../../../schemas/tables.js';
import type { SemanticDecision } from '../../../operators/dedup/dedup-clusters.js';
import type { LexicalDecisions } from '../../../operators/dedup/lexical-dedup.js';
import { writeDedupTable } from '../../../operators/dedup/write-dedup-table.js';
import { sql } from '../../support/sql.js';
import { tempDir } from '../../support/paths.js';

/**
 * Rows a, b, a (exact), c (fuzzy of a), d (semantic of b), e (semantic keeper of a's group:
 * SemDeDup removed a as a duplicate of e), f noise.
 */
function decisions(): { lexical: LexicalDecisions; clusterOf: Map<string, number>; semantic: Map<string, SemanticDecision> } {
  const ids = ['a', 'b', 'a', 'c', 'd', 'e', 'f'];
  const lexical: LexicalDecisions = {
    ids,
    // The records' own ids (--id-key): the two records of text a are two rows with their own ids; one record has none.
    userIds: ['r1', 'r2', 'r3', 'r4', null, 'r6', 'r7'],
    sources: ids.map(() => 'in.jsonl'),
    lines: Float64Array.from(ids, (_, i) => i + 1),
    firstRow: Int32Array.of(0, 1, 0, 3, 4, 5, 6),
    distinctRows: Int32Array.of(0, 1, 3, 4, 5, 6),
    fuzzy: {
      match: Int32Array.of(-1, -1, 0, 1, -1, -1),
      jaccard: Float32Array.of(NaN, NaN, 0.875, 0.5, NaN, NaN),
      kept: Uint8Array.of(1, 1, 0, 1, 1, 1),
      group: Int32Array.of(0, 1, 0, 3, 4, 5),
      banding: { bands: 9, rows: 13 },
    },
    against: null,
  };
  const clusterOf = new Map([['a', 0], ['b', 1], ['c', 0], ['d', 1], ['e', 0], ['f', -1]]);
  const semantic = new Map<string, SemanticDecision>([
    ['e', { kept: true, duplicateOf: null, similarity: NaN, nearest: null }],
    ['a', { kept: false, duplicateOf: 'e', similarity: 0.995, nearest: 'e' }],
    ['b', { kept: true, duplicateOf: null, similarity: NaN, nearest: null }],
    ['d', { kept: false, duplicateOf: 'b', similarity: 0.993, nearest: 'b' }],
  ]);
  return { lexical, clusterOf, semantic };
}

test('one row per input row: the first method that removed it, the id finally kept for its group, per-method totals', async () => {
  const out = tempDir('dedup-table');
  const { lexical, clusterOf, semantic } = decisions();
  const totals = writeDedupTable(out, 3, lexical, clusterOf, semantic, true);
  const rows = await sql<[string, number, number, boolean, string | null, string, string | null, number | null, number | null]>(
    `SELECT id, line::INT, cluster, kept, reason, group_id, duplicate_of, round(similarity::DOUBLE, 3), jaccard::DOUBLE FROM read_parquet('${out}/${DEDUP.path}/*.parquet') ORDER BY line`,
  );
  assert.deepEqual(rows, [
    ['a', 1, 0, false, 'semantic', 'e', 'e', 0.995, null],
    ['b', 2, 1, true, null, 'b', null, null, null],
    ['a', 3, 0, false, 'exact', 'e', 'a', null, null],
    ['c', 4, 0, false, 'fuzzy', 'e', 'a', null, 0.875],
    ['d', 5, 1, false, 'semantic', 'b', 'b', 0.993, 0.5],
    ['e', 6, 0, true, null, 'e', null, null, null],
    ['f', 7, -1, true, null, 'f', null, null, null],
  ]);
  assert.deepEqual(totals.removed_by, { exact: 1, fuzzy: 1, semantic: 2, against: 0 });
  // The id each score was measured against, for the kept row d's Jaccard too (its candidate b).
  const to = await sql<[string, number, string | null, string | null]>(`SELECT id, line::INT, similarity_to, jaccard_to FROM read_parquet('${out}/${DEDUP.path}/*.parquet') ORDER BY line`);
  assert.deepEqual(to.map(([id, , s, j]) => [id, s, j]), [['a', 'e', null], ['b', null, null], ['a', null, null], ['c', null, 'a'], ['d', 'b', 'b'], ['e', null, null], ['f', null, null]]);
  assert.deepEqual([totals.rows, totals.kept, totals.removed, totals.noise_rows, totals.clusters, totals.clusters_with_duplicates], [7, 3, 4, 1, 2, 2]);
  assert.deepEqual(totals.most_removed, [[0, 4, 3], [1, 2, 1]]);
  const parts = await sql<[number]>(`SELECT count(DISTINCT filename)::INT FROM read_parquet('${out}/${DEDUP.path}/*.parquet', filename = true)`);
  assert.deepEqual(parts, [[3]]);
  const userIds = await sql<[string | null]>(`SELECT user_id FROM read_parquet('${out}/${DEDUP.path}/*.parquet') ORDER BY line`);
  assert.deepEqual(userIds.map(([u]) => u), ['r1', 'r2', 'r3', 'r4', null, 'r6', 'r7']);
});

test('without the exact method a later row of an id shares its first row\'s decision', async () => {
  const out = tempDir('dedup-table');
  const { lexical, clusterOf, semantic } = decisions();
  const totals = writeDedupTable(out, 100, lexical, clusterOf, semantic, false);
  const rows = await sql<[number, boolean, string | null]>(`SELECT line::INT, kept, reason FROM read_parquet('${out}/${DEDUP.path}/*.parquet') WHERE id = 'a' ORDER BY line`);
  assert.deepEqual(rows, [[1, false, 'semantic'], [3, false, 'semantic']]);
  assert.deepEqual(totals.removed_by, { exact: 0, fuzzy: 1, semantic: 3, against: 0 });
});
