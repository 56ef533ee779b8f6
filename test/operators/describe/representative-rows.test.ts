import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../core/util/random.js';
import { representativeRows } from '../../../operators/describe/representative-rows.js';
import { writeEmbeddingsPart, writeLabelsPart, writeRowsPart } from '../../support/run-parts.js';
import { tempDir } from '../../support/paths.js';

const DIMS = 6;

test('each cluster\'s representatives are its rows of highest cosine to its mean, best first, with their texts (brute force agrees)', () => {
  const out = tempDir('reps');
  const rng = createRng(21);
  const clusters = 3;
  const parts = [40, 25, 35];
  const all: { id: string; v: Float64Array; c: number }[] = [];
  parts.forEach((n, p) => {
    const ids: string[] = [];
    const labels: number[] = [];
    const values = new Float32Array(n * DIMS);
    for (let i = 0; i < n; i++) {
      const c = i % 5 === 4 ? -1 : (i + p) % clusters;
      // Cluster c leans towards axis c; noise anywhere.
      const v = Float64Array.from({ length: DIMS }, (_, j) => rng.gaussian() + (c >= 0 && j === c ? 3 : 0));
      const norm = Math.hypot(...v);
      for (let j = 0; j < DIMS; j++) values[i * DIMS + j] = v[j] / norm;
      const id = `p${p}r${i}`;
      ids.push(id);
      labels.push(c);
      all.push({ id, v: Float64Array.from(values.subarray(i * DIMS, (i + 1) * DIMS)), c });
    }
    writeEmbeddingsPart(out, p, ids, values, DIMS);
    writeLabelsPart(out, p, ids, labels);
    writeRowsPart(out, p, ids.map((id, i) => ({ id, text: `text of ${id}`, line: i + 1 })));
  });
  const count = 4;
  const got = representativeRows(out, clusters, count);
  for (let c = 0; c < clusters; c++) {
    const members = all.filter((r) => r.c === c);
    const mean = new Float64Array(DIMS);
    for (const m of members) for (let j = 0; j < DIMS; j++) mean[j] += m.v[j];
    const cos = (v: Float64Array) => v.reduce((s, x, j) => s + x * mean[j], 0) / Math.hypot(...mean);
    const expected = members.sort((a, b) => cos(b.v) - cos(a.v)).slice(0, count).map((m) => m.id);
    assert.deepEqual(got.ids[c], expected, `cluster ${c}`);
    assert.deepEqual(got.texts[c], expected.map((id) => `text of ${id}`));
  }
});

test('a cluster with fewer rows than asked gives them all; an empty cluster gives none; unequal part counts are refused', () => {
  const out = tempDir('reps');
  const v = Float32Array.from([1, 0, 0, 0, 1, 0]);
  writeEmbeddingsPart(out, 0, ['a', 'b'], v, 3);
  writeLabelsPart(out, 0, ['a', 'b'], [0, 0]);
  writeRowsPart(out, 0, [{ id: 'a', text: 'A', line: 1 }, { id: 'b', text: 'B', line: 2 }]);
  const r = representativeRows(out, 2, 5);
  assert.deepEqual(r.ids[0].slice().sort(), ['a', 'b']);
  assert.deepEqual(r.ids[1], []);
  writeLabelsPart(out, 1, ['c'], [1]);
  assert.throws(() => representativeRows(out, 2, 5), /2 labels parts for 1 embeddings parts; rerun semclust infer/);
});
