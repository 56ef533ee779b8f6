import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaE, rgbToLab } from '../../../core/plot/cluster-palette.js';
import { FACET_TOP, MISSING, OTHER, facetLegend } from '../../../core/plot/facet-legend.js';

test('values by count, the tail as (other), absent fields as (missing); codes point at the entries', () => {
  const values: (string | null)[] = [];
  for (let v = 0; v < FACET_TOP + 3; v++) for (let r = 0; r <= FACET_TOP + 3 - v; r++) values.push(`g${v}`);
  values.push(null, null);
  const picked = new Uint8Array(values.length);
  const f = facetLegend(values, picked, 1);
  assert.deepEqual(f.values.slice(0, 3), ['g0', 'g1', 'g2']);
  assert.equal(f.values.length, FACET_TOP + 2);
  assert.deepEqual(f.values.slice(-2), [OTHER, MISSING]);
  assert.equal(f.rows[0], FACET_TOP + 4);
  assert.equal(f.rows[FACET_TOP], 4 + 3 + 2, 'the three smallest values share (other)');
  assert.equal(f.rows.reduce((a, b) => a + b), values.length);
  values.forEach((v, i) => assert.equal(f.values[f.codes[i]], v === null ? MISSING : f.values.includes(v) ? v : OTHER));
  assert.equal(f.rgb.length, f.values.length * 3);
  // The named values' colours are far apart: the smallest CIELAB distance between two of them.
  const lab = f.values.slice(0, FACET_TOP).map((_, j) => rgbToLab(f.rgb[j * 3], f.rgb[j * 3 + 1], f.rgb[j * 3 + 2]));
  let worst = Infinity;
  for (let a = 0; a < lab.length; a++) for (let b = a + 1; b < lab.length; b++) worst = Math.min(worst, deltaE(lab[a], lab[b]));
  assert.ok(worst > 20, `min ΔE between legend colours ${worst.toFixed(1)}`);
});

test('a subsampled map: sampled points count once, the others stand for the rows they represent', () => {
  // 4 sampled rows (all "a") and 10 drawn unsampled (5 "a", 5 "b") of 104 rows: weight 10.
  const values = [...Array(4).fill('a'), ...Array(5).fill('a'), ...Array(5).fill('b')];
  const picked = Uint8Array.from(values, (_, i) => (i < 4 ? 1 : 0));
  const f = facetLegend(values, picked, 10);
  assert.deepEqual(f.values, ['a', 'b']);
  assert.deepEqual(f.rows, [54, 50]);
  assert.deepEqual(f.sampled, [4, 0]);
});
