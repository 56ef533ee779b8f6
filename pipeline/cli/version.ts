/** The version `semclust --version` prints, read from package.json so it never goes stale. */
import fs from 'node:fs';

// dist/pipeline/cli/version.js → the package root three folders up.
const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION = pkg.version;
