/** Test locations: the repo root, the CLI, and one model and corpus cache for all test files (never ../shared). */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/…). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(REPO, 'bin/semclust.js');

// The static model is built once per machine for the whole suite, not once per test file.
process.env.SEMCLUST_CACHE ??= path.join(os.tmpdir(), 'semclust-test-cache');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `semclust-${prefix}-`));
}
