import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, for scripts compiled to dist/scripts/ or dist/bench/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
