import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centreNeighbours, clusterPalette, deltaE, rgbToLab } from '../../../core/plot/cluster-palette.js';
import { createRng } from '../../../core/util/random.js';

const labOf = (rgb: Uint8Array, c: number) => rgbToLab(rgb[c * 3], rgb[c * 3 + 1], rgb[c * 3 + 2]);

test('CIELAB: white is L 100, black L 0, and pure red sits where the CIE puts it', () => {
  assert.ok(Math.abs(rgbToLab(255, 255, 255)[0] - 100) < 0.1);
  assert.ok(Math.abs(rgbToLab(0, 0, 0)[0]) < 0.1);
  const red = rgbToLab(255, 0, 0);
  assert.ok(Math.abs(red[0] - 53.2) < 0.5 && Math.abs(red[1] - 80.1) < 0.5 && Math.abs(red[2] - 67.2) < 0.5, `${red}`);
});

test('80 clusters scattered on a map: every cluster differs from its nearest neighbour by ΔE ≥ 20', () => {
  const rng = createRng(5);
  const k = 80;
  const cx = Float32Array.from({ length: k }, () => rng.next()), cy = Float32Array.from({ length: k }, () => rng.next());
  cx[7] = cy[7] = NaN; // an id with no points
  const rgb = clusterPalette(cx, cy);
  assert.equal(rgb.length, k * 3);
  let worst = Infinity;
  for (const [a, near] of centreNeighbours(cx, cy, 1).entries()) for (const b of near) worst = Math.min(worst, deltaE(labOf(rgb, a), labOf(rgb, b)));
  // Golden-angle hues by id on the same layout: 5.8 (near-identical colours side by side); this palette: 21.2.
  assert.ok(worst >= 20, `min ΔE between nearest neighbours ${worst.toFixed(1)}`);
  assert.equal(centreNeighbours(cx, cy, 6)[7].length, 0, 'a missing cluster has no neighbours');
});

test('up to 48 clusters each get their own colour', () => {
  const cx = Float32Array.from({ length: 48 }, (_, i) => i % 7), cy = Float32Array.from({ length: 48 }, (_, i) => Math.floor(i / 7));
  const rgb = clusterPalette(cx, cy);
  assert.equal(new Set(Array.from({ length: 48 }, (_, c) => rgb.slice(c * 3, c * 3 + 3).join())).size, 48);
});
