/**
 * The system Chromium driven by playwright-core (which never downloads a browser): the
 * browser test, `npm run bench:report` and `npm run screenshot:report` open report.html
 * with it. The browser is `$CHROMIUM_PATH` or Debian's /usr/bin/chromium
 * (`apt-get update && apt-get install -y chromium`).
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const INSTALL_HINT = 'install it with `apt-get update && apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome binary';

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`no Chromium found: ${INSTALL_HINT}`);
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** A new page of `browser` at `viewport`, and the console errors and page exceptions it reports as it runs. */
export async function pageWithErrors(browser: Browser, viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}
