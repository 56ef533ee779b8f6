/**
 * Saves a screenshot of a run's report.html in headless Chromium, to see what a person sees.
 *
 *   npm run screenshot:report -- out/banking77-kmeans [out/banking77-kmeans/report.png] [--select-largest]
 *
 * `--select-largest` clicks the largest cluster first, so its detail (keywords,
 * representative texts) is in the picture.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FILES } from '../schemas/tables.js';
import { launchChromium } from './chromium.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const selectLargest = process.argv.includes('--select-largest');
if (args.length < 1) {
  console.error('usage: npm run screenshot:report -- OUTDIR [PNG] [--select-largest]');
  process.exit(2);
}
const report = path.resolve(args[0], FILES.report);
const png = path.resolve(args[1] ?? path.join(args[0], 'report.png'));
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector('body[data-ready="true"]');
  if (selectLargest) await page.click('#clusters li:first-child');
  await page.screenshot({ path: png });
  console.log(`${png}${errors.length ? `\nconsole errors: ${errors.join('; ')}` : ''}`);
} finally {
  await browser.close();
}
