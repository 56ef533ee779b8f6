import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withRunDatabase } from '../../../operators/duckdb/duckdb-views.js';
import { dedupSweep, semanticSweepFromPairs, SWEEP_EPSILONS, SWEEP_THRESHOLDS } from '../../../operators/dedup/dedup-sweep.js';
import { writeDedupTable } from '../../../operators/dedup/write-dedup-table.js';
import type { SemanticDecision } from '../../../operators/dedup/dedup-clusters.js';
import { tempDir } from '../../support/paths.js';

test('dedupSweep counts the rows whose stored Jaccard reaches each threshold and whose similarity reaches 1 − ε', async () => {
  const out = tempDir('dedup-sweep');
  // Five distinct rows and an exact copy; Jaccard estimates 0.875, 0.5 and 0.75, similarities 0.995 and 0.96.
  const ids = ['a', 'b', 'c', 'd', 'e', 'a'];
  const jaccards = [NaN, 0.875, 0.5, 0.75, NaN];
  writeDedupTable(
    out,
    10,
    {
      ids,
      userIds: ids.map(() => null),
      sources: ids.map(() => 'in.jsonl'),
      lines: Float64Array.from(ids, (_, i) => i + 1),
      firstRow: Int32Array.of(0, 1, 2, 3, 4, 0),
      distinctRows: Int32Array.of(0, 1, 2, 3, 4),
      fuzzy: {
        match: Int32Array.of(-1, 0, 0, 1, -1),
        jaccard: Float32Array.from(jaccards),
        kept: Uint8Array.of(1, 0, 1, 1, 1),
        group: Int32Array.of(0, 0, 2, 3, 4),
        banding: { bands: 14, rows: 9 },
      },
      against: null,
    },
    new Map(ids.map((id) => [id, 0])),
    new Map<string, SemanticDecision>([
      ['c', { kept: false, duplicateOf: 'd', similarity: 0.995, nearest: 'd' }],
      ['d', { kept: true, duplicateOf: null, similarity: 0.96, nearest: 'b' }],
    ]),
    true,
  );
  const sweep = await withRunDatabase(out, (conn) => dedupSweep(conn));
  assert.deepEqual(
    sweep.fuzzy,
    SWEEP_THRESHOLDS.map((t) => [t, jaccards.filter((j) => j >= t).length]),
  );
  const sims = [0.995, 0.96].map((x) => Math.fround(x));
  assert.deepEqual(
    sweep.semantic,
    SWEEP_EPSILONS.map((e) => [e, sims.filter((x) => x >= 1 - e).length]),
  );
  assert.deepEqual(sweep.semantic.find(([e]) => e === 0.01), [0.01, 1]);
  assert.deepEqual(sweep.fuzzy.find(([t]) => t === 0.8), [0.8, 1]);
});

test('semanticSweepFromPairs counts, for each sweep ε the pairs reach, the rows the selection removes', () => {
  // b duplicates a at 0.97; c is nearest b (0.95), which goes from ε = 0.03 on, so c goes only once a (0.92) is within reach.
  const pairs = { order: Uint32Array.of(0, 1, 2), start: Int32Array.of(0, 0, 1, 3), earlier: Int32Array.of(0, 0, 1), similarity: Float32Array.of(0.97, 0.92, 0.95) };
  const sweep = semanticSweepFromPairs([{ cluster: 0, ids: ['a', 'b', 'c'], pairs }], 0.9);
  // The floor 0.9 reaches every sweep ε up to 0.1; a floor of 0.96 only those up to 0.02.
  assert.deepEqual(sweep, [[0.001, 0], [0.003, 0], [0.005, 0], [0.01, 0], [0.02, 0], [0.05, 1], [0.1, 2]]);
  assert.deepEqual(semanticSweepFromPairs([{ cluster: 0, ids: ['a', 'b', 'c'], pairs }], 0.96).map(([e]) => e), [0.001, 0.003, 0.005, 0.01, 0.02]);
});
