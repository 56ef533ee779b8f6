import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampToFrame, mapFrame } from '../../../core/plot/map-frame.js';
import { createRng } from '../../../core/util/random.js';

test('a far group of 0.5% of the points falls outside the frame and is clamped to its edge, flagged', () => {
  const rng = createRng(3);
  const n = 2000;
  const x = Float32Array.from({ length: n }, () => rng.next());
  const y = Float32Array.from({ length: n }, () => rng.next() * 2);
  for (let i = 0; i < 10; i++) {
    x[i] = 50;
    y[i] = -40;
  }
  const f = mapFrame(x, y);
  assert.ok(f.maxX < 1.2 && f.minY > -0.3, `frame ${JSON.stringify(f)} leaves the far group out`);
  assert.ok(f.minX <= 0.01 && f.maxX >= 0.99 && f.maxY >= 1.98, 'and keeps the whole uniform cloud');
  const outside = clampToFrame(x, y, f);
  assert.deepEqual([...outside.keys()].filter((i) => outside[i]), [...Array(10).keys()]);
  assert.equal(x[0], Math.fround(f.maxX));
  assert.equal(y[0], Math.fround(f.minY));
  assert.ok(x.every((v) => v >= Math.fround(f.minX) && v <= Math.fround(f.maxX)));
});

test('without outliers the frame is the data extent; an empty map gets a unit frame', () => {
  const x = Float32Array.from([0, 1, 2, 3]), y = Float32Array.from([5, 6, 7, 9]);
  assert.deepEqual(mapFrame(x, y), { minX: 0, maxX: 3, minY: 5, maxY: 9 });
  assert.ok(clampToFrame(x, y, mapFrame(x, y)).every((v) => v === 0));
  assert.deepEqual(mapFrame(new Float32Array(0), new Float32Array(0)), { minX: 0, maxX: 1, minY: 0, maxY: 1 });
});
