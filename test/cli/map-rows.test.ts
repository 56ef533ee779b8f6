/**
 * infer gives 2-D map coordinates to about report_max_points rows, chosen by id
 * (core/util/id-sample.ts), or to every row with --map-all-rows; the rows sampled later are
 * placed when the map is drawn, so report.html still shows every one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { idUniform } from '../../core/util/id-sample.js';
import { FILES } from '../../schemas/tables.js';
import { queryRows, runCli } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { writeTopicTexts } from '../support/topic-texts.js';

/** The data block report.html draws from: shown points and how many of them the sample took. */
function reportPoints(out: string): { shown: number; picked: number } {
  const page = fs.readFileSync(path.join(out, FILES.report), 'utf8');
  const data = JSON.parse(page.match(/<script type="application\/json" id="semclust-data">(.*?)<\/script>/s)![1]);
  const picked = Buffer.from(data.picked, 'base64');
  return { shown: Buffer.from(data.x, 'base64').length / 4, picked: picked.reduce((n, b) => n + b, 0) };
}

test('infer projects about report_max_points rows by id, the map still shows every sampled row; --map-all-rows projects all', { timeout: 180_000 }, async () => {
  const dir = tempDir('map-rows');
  const file = path.join(dir, 'topics.jsonl');
  writeTopicTexts(file, 400);
  const out = path.join(dir, 'out');
  const seed = 5;
  const infer = await runCli(['infer', file, out, '--kmeans-num-clusters', '4', '--seed', String(seed), '--report-max-points', '1000', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);

  const labels = await queryRows(out, 'SELECT id FROM labels');
  const projected = new Set((await queryRows(out, 'SELECT id FROM projection')).map((r) => r.id as string));
  assert.equal(labels.length, 1600);
  // Exactly the rows whose id hash falls below 1000/1600: about 1,000 (binomial sd 19).
  const expected = labels.map((r) => r.id as string).filter((id) => idUniform(id, seed) < 1000 / 1600);
  assert.deepEqual([...projected].sort(), expected.sort());
  assert.ok(projected.size > 940 && projected.size < 1060, `${projected.size} rows projected`);
  assert.deepEqual(reportPoints(out), { shown: Math.min(1000, projected.size), picked: 0 });
  assert.match(fs.readFileSync(path.join(out, FILES.report), 'utf8'), /of 1,600 rows shown/);

  // Sampled rows outside projection/ are placed for the map: all 300 are drawn, and the cap holds.
  const sample = await runCli(['sample', out, '--sample-size', '300', '--quiet']);
  assert.equal(sample.code, 0, sample.stderr);
  const outside = await queryRows(out, 'SELECT count(*)::INT AS n FROM sample ANTI JOIN projection USING (id)');
  assert.ok((outside[0].n as number) > 50, 'the sample holds rows infer did not project');
  const drawn = reportPoints(out);
  assert.equal(drawn.picked, 300);
  assert.ok(drawn.shown <= 1000, `${drawn.shown} points drawn`);

  const all = await runCli(['infer', out, '--map-all-rows']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /map_all_rows false → true.*: infer will be redone/);
  assert.deepEqual(await queryRows(out, 'SELECT count(*)::INT AS n FROM projection'), [{ n: 1600 }]);
});
