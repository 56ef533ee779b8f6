/**
 * report.html in a real browser: Debian's chromium driven by playwright-core. A small real
 * run (generated topic texts, built-in model, k-means, a sample) is opened; the test
 * checks the points drawn, hover, click-to-highlight and search against the run's own
 * Parquet outputs, and saves a screenshot. Without Chromium the test is skipped with how
 * to install it, unless SEMCLUST_REQUIRE_BROWSER=1 (CI), where it fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FILES } from '../../schemas/tables.js';
import { chromiumPath, INSTALL_HINT, launchChromium } from '../../scripts/chromium.js';
import { runCli, queryRows } from '../support/cli.js';
import { tempDir } from '../support/paths.js';
import { writeTopicTexts } from '../support/topic-texts.js';

const required = process.env.SEMCLUST_REQUIRE_BROWSER === '1';
const browserPath = chromiumPath();
const skip = !browserPath && !required ? `no Chromium for the browser test: ${INSTALL_HINT}` : false;

interface PageHooks {
  points: number;
  drawn: number;
  texts: string[];
  clusters: Int32Array;
  screenOf(i: number): [number, number];
  highlighted(): number[];
  mapWords: { cluster: number; text: string; box: [number, number, number, number] }[];
}
declare const window: { semclust: PageHooks };
declare const document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };

test('report.html in Chromium: every point drawn, hover shows the row, a cluster click highlights exactly its rows, search finds a text', { skip }, async () => {
  if (!browserPath) assert.fail(`SEMCLUST_REQUIRE_BROWSER=1 but no Chromium: ${INSTALL_HINT}`);
  const dir = tempDir('report');
  const file = path.join(dir, 'topics.jsonl');
  const texts = writeTopicTexts(file, 120);
  const out = path.join(dir, 'out');
  const infer = await runCli(['infer', file, out, '--kmeans-num-clusters', '4', '--quiet']);
  assert.equal(infer.code, 0, infer.stderr);
  const sample = await runCli(['sample', out, '--sample-size', '40', '--quiet']);
  assert.equal(sample.code, 0, sample.stderr);
  // `semclust report` rewrites the page from the outputs alone.
  fs.rmSync(path.join(out, FILES.report));
  const report = await runCli(['report', out]);
  assert.equal(report.code, 0, report.stderr);
  assert.equal(report.stdout.trim(), path.join(out, FILES.report));
  const html = fs.readFileSync(path.join(out, FILES.report), 'utf8');
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/, 'self-contained: no external script, style or URL');

  const projected = Number((await queryRows(out, 'SELECT count(*)::INT AS n FROM projection'))[0].n);
  assert.equal(projected, texts.length);

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    // Offline: any request other than the file itself fails the test.
    await page.route(/^(?!file:)/, (route) => {
      errors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(path.join(out, FILES.report)).href);
    await page.waitForSelector('body[data-ready="true"]');

    const state = await page.evaluate(() => ({ points: window.semclust.points, drawn: window.semclust.drawn, texts: window.semclust.texts, clusters: Array.from(window.semclust.clusters) }));
    assert.equal(state.points, projected);
    assert.equal(state.drawn, projected, 'every projected row is drawn (below the point cap)');
    assert.deepEqual(new Set(state.texts), new Set(texts));

    // Map words: the largest cluster's top two keywords are written, and no two words overlap.
    const words = await page.evaluate(() => window.semclust.mapWords);
    const [first] = await queryRows(out, 'SELECT cluster, keywords FROM clusters ORDER BY size DESC, cluster LIMIT 1');
    assert.equal(words[0].cluster, first.cluster);
    assert.equal(words[0].text, (first.keywords as string[]).slice(0, 2).join(', '));
    for (const [i, a] of words.entries()) {
      for (const b of words.slice(i + 1)) assert.ok(a.box[2] <= b.box[0] || b.box[2] <= a.box[0] || a.box[3] <= b.box[1] || b.box[3] <= a.box[1], `"${a.text}" overlaps "${b.text}"`);
    }

    // Hover: the point farthest from its nearest neighbour on screen, zoomed in (wheel at
    // the point) until no other point is within 10 px, so the nearest is unambiguous.
    let target = -1;
    for (let zoom = 0; zoom < 12; zoom++) {
      const xy = await page.evaluate(() => window.semclust.texts.map((_, i) => window.semclust.screenOf(i)));
      const gap = xy.map(([x, y], i) => Math.min(...xy.map(([u, v], j) => (j === i ? Infinity : (u - x) ** 2 + (v - y) ** 2))));
      const inside = (i: number) => xy[i][0] > 40 && xy[i][0] < 1000 && xy[i][1] > 120 && xy[i][1] < 760;
      target = target >= 0 && inside(target) ? target : gap.reduce((b, g, i) => (inside(i) && (b < 0 || g > gap[b]) ? i : b), -1);
      await page.mouse.move(xy[target][0], xy[target][1]);
      if (gap[target] > 100) break;
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(50);
    }
    const [hx, hy] = await page.evaluate((i) => window.semclust.screenOf(i), target);
    await page.mouse.move(hx, hy);
    const tip = await page.textContent('#tooltip .text');
    assert.equal(tip, state.texts[target]);

    // Click the largest cluster in the list: exactly its rows are highlighted.
    const [largest] = await queryRows(out, 'SELECT cluster, size::INT AS size FROM clusters ORDER BY size DESC, cluster LIMIT 1');
    const members = await queryRows(out, `SELECT r.text FROM labels l JOIN rows r USING (id) WHERE l.cluster = ${largest.cluster}`);
    await page.click(`#clusters li[data-cluster="${largest.cluster}"]`);
    const highlighted = await page.evaluate(() => window.semclust.highlighted());
    assert.equal(highlighted.length, largest.size);
    assert.deepEqual(new Set(highlighted.map((i) => state.texts[i])), new Set(members.map((m) => m.text)));
    const detail = await page.textContent('#detail');
    assert.match(detail ?? '', /Nearest the centre/);

    // Search a known text: it is listed and it alone is highlighted.
    const wanted = texts[17];
    await page.fill('#search', wanted);
    await page.waitForSelector('#results li[data-point]');
    const results = await page.evaluate(() => Array.from(document.querySelectorAll('#results li[data-point]'), (li) => li.textContent));
    assert.deepEqual(results, [wanted]);
    const found = await page.evaluate(() => window.semclust.highlighted());
    assert.deepEqual(found.map((i) => state.texts[i]), [wanted]);

    const png = path.join(dir, 'report.png');
    await page.fill('#search', '');
    await page.click(`#clusters li[data-cluster="${largest.cluster}"]`);
    await page.screenshot({ path: png });
    console.log(`report screenshot: ${png}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
