/**
 * report.html's data block from a run folder written directly (test/support/run-parts.ts):
 * the far points framed out, the rings' default by sample size, the facet legend's counts
 * (exact, and estimated when the map is a subsample). The page itself runs in
 * test/cli/report-browser.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { writeReport } from '../../../pipeline/report/report.js';
import { createRng } from '../../../core/util/random.js';
import { tempDir } from '../../support/paths.js';
import { writeClusters, writeLabelsPart, writeProjectionPart, writeRowsPart, writeSample } from '../../support/run-parts.js';

const ROWS = 3000;
const FAR = 10;

/** 3,000 rows in 4 clusters on a unit square, the first 10 far away; `line` (1–3) is the facet. */
function writeRun(dir: string, picked: number): string {
  const out = path.join(dir, `out-${picked}`);
  const rng = createRng(11);
  const ids = Array.from({ length: ROWS }, (_, i) => `id${String(i).padStart(5, '0')}`);
  writeRowsPart(out, 0, ids.map((id, i) => ({ id, text: `text ${i}`, line: (i % 3) + 1 })));
  const x = Float32Array.from(ids, (_, i) => (i < FAR ? 100 : rng.next()));
  const y = Float32Array.from(ids, (_, i) => (i < FAR ? 100 : rng.next()));
  writeProjectionPart(out, 0, ids, x, y);
  writeLabelsPart(out, 0, ids, ids.map((_, i) => i % 4));
  writeClusters(out, [0, 1, 2, 3], new Float32Array(8), 2);
  // Every third row from the far ones on: lines 1, 2, 3 in turn.
  writeSample(out, Array.from({ length: picked }, (_, k) => ({ id: ids[FAR + k], cluster: (FAR + k) % 4, pick: k })));
  return out;
}

interface Data {
  rings: boolean;
  ids: string[];
  outside: string;
  colours: string;
  facets: { key: string; values: string[]; rows: number[]; sampled: number[] }[];
}
const dataOf = (file: string): Data => JSON.parse(/<script type="application\/json" id="semclust-data">(.*?)<\/script>/s.exec(fs.readFileSync(file, 'utf8'))![1]);
const bytes = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));

test('far points are flagged outside the frame, the legend counts each value, rings start off above 2,000 sampled rows', async () => {
  const dir = tempDir('report-data');
  const big = dataOf(await writeReport(writeRun(dir, 2100), { report_max_points: 200000, seed: 1, facet: ['line'] }));
  assert.equal(big.rings, false, '2,100 sampled rows: rings off');
  const outside = bytes(big.outside);
  assert.deepEqual(big.ids.filter((_, i) => outside[i]).sort(), Array.from({ length: FAR }, (_, i) => `id${String(i).padStart(5, '0')}`));
  assert.ok(bytes(big.colours).length >= 4 * 3, 'a colour for each cluster');
  const [line] = big.facets;
  assert.equal(line.key, 'line');
  assert.deepEqual(line.values, ['1', '2', '3']);
  assert.deepEqual(line.rows, [1000, 1000, 1000]);
  assert.deepEqual(line.sampled, [700, 700, 700]);

  const small = dataOf(await writeReport(writeRun(dir, 100), { report_max_points: 200000, seed: 1, facet: [] }));
  assert.equal(small.rings, true, '100 sampled rows: rings on');
  assert.deepEqual(small.facets, []);
});

test('on a subsampled map the legend estimates the population from the drawn rows; the sample counts stay exact', async () => {
  const dir = tempDir('report-data-sub');
  const d = dataOf(await writeReport(writeRun(dir, 100), { report_max_points: 1000, seed: 1, facet: ['line'] }));
  assert.equal(d.ids.length, 1000);
  const [line] = d.facets;
  assert.ok(Math.abs(line.rows.reduce((a, b) => a + b) - ROWS) <= line.rows.length, `estimated ${line.rows} sum to ~${ROWS}`);
  for (const r of line.rows) assert.ok(Math.abs(r - 1000) < 150, `each line ~1,000 rows: ${line.rows}`);
  assert.deepEqual(line.sampled.sort(), [33, 33, 34]);
});
