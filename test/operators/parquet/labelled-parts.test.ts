import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LABELS, ROWS } from '../../../schemas/tables.js';
import { partName, writeParquet } from '../../../operators/parquet/parquet.js';
import { labelledParts } from '../../../operators/parquet/labelled-parts.js';
import { tempDir } from '../../support/paths.js';

function writeRows(out: string, p: number, rows: [id: string, text: string][]) {
  writeParquet(
    path.join(out, ROWS.path, partName(p)),
    ROWS,
    { id: rows.map((r) => r[0]), text: rows.map((r) => r[1]), record: rows.map((r) => JSON.stringify({ text: r[1] })), source: rows.map(() => 'in.jsonl'), line: Float64Array.from(rows, (_, i) => i + 1) },
    rows.length,
  );
}

function writeLabels(out: string, p: number, labels: [id: string, cluster: number][]) {
  const n = labels.length;
  writeParquet(
    path.join(out, LABELS.path, partName(p)),
    LABELS,
    { id: labels.map((l) => l[0]), cluster: Int32Array.from(labels, (l) => l[1]), probability: new Float32Array(n).fill(1), reassigned: new Uint8Array(n) },
    n,
  );
}

test('each labels part comes with the texts of its ids from the rows part of the same number; a repeated id keeps its first text', () => {
  const out = tempDir('labelled');
  writeRows(out, 0, [['a', 'alpha'], ['b', 'beta'], ['a', 'alpha again']]);
  writeLabels(out, 0, [['b', 2], ['a', -1]]);
  writeRows(out, 1, [['c', 'gamma']]);
  writeLabels(out, 1, [['c', 0]]);
  const parts = [...labelledParts(out)];
  assert.deepEqual(parts.map((p) => p.index), [0, 1]);
  assert.deepEqual(parts[0].ids, ['b', 'a']);
  assert.deepEqual(parts[0].texts, ['beta', 'alpha']);
  assert.deepEqual(parts[0].clusters, Int32Array.from([2, -1]));
  assert.deepEqual([parts[1].ids, parts[1].texts, [...parts[1].clusters]], [['c'], ['gamma'], [0]]);
});

test('no labels, unequal part counts, and an id with no row are refused with what to rerun', () => {
  const out = tempDir('labelled');
  writeRows(out, 0, [['a', 'alpha']]);
  assert.throws(() => [...labelledParts(out)], { message: `${out} has no labels: run semclust infer first` });
  writeLabels(out, 0, [['z', 1]]);
  assert.throws(() => [...labelledParts(out)], /id z has no row in .*rows\/part-00000\.parquet; the run folder is inconsistent, rerun from embed/);
  writeLabels(out, 1, [['a', 1]]);
  assert.throws(() => [...labelledParts(out)], { message: `${out}: 1 rows parts but 2 labels parts; rerun semclust infer` });
});
