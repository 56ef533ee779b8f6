/**
 * Saves a screenshot of a run's report.html in headless Chromium, to see what a person sees.
 *
 *   npm run screenshot:report -- out/banking77-kmeans [out/banking77-kmeans/report.png] [--select-largest] [--colour-by KEY]
 *
 * `--select-largest` clicks the largest cluster first, so its detail (keywords,
 * representative texts) is in the picture; `--colour-by KEY` colours the map by a facet
 * the report was written with (`--facet KEY`), so its legend is in the picture.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FILES } from '../schemas/tables.js';
import { launchChromium, pageWithErrors } from './chromium.js';

const argv = process.argv.slice(2);
const colourBy = argv.includes('--colour-by') ? argv[argv.indexOf('--colour-by') + 1] : undefined;
const args = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--colour-by');
const selectLargest = argv.includes('--select-largest');
if (args.length < 1) {
  console.error('usage: npm run screenshot:report -- OUTDIR [PNG] [--select-largest] [--colour-by KEY]');
  process.exit(2);
}
const report = path.resolve(args[0], FILES.report);
const png = path.resolve(args[1] ?? path.join(args[0], 'report.png'));
const browser = await launchChromium();
try {
  const { page, errors } = await pageWithErrors(browser, { width: 1600, height: 1000 });
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector('body[data-ready="true"]');
  if (colourBy !== undefined) await page.selectOption('#colour-by', { label: colourBy });
  if (selectLargest) await page.click('#clusters li:first-child');
  await page.screenshot({ path: png });
  console.log(`${png}${errors.length ? `\nconsole errors: ${errors.join('; ')}` : ''}`);
} finally {
  await browser.close();
}
