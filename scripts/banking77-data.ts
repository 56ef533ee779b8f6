/**
 * Where the eval and bench scripts find Banking77: `../shared/data/banking77/` beside the
 * repository (the project's shared data folder; `SEMCLUST_BANKING77` names another folder).
 * Banking77 is 13,083 customer-service queries labelled with 77 intents (Casanueva et al.,
 * NLP4ConvAI 2020; PolyAI-LDN/task-specific-datasets, CC BY 4.0), kept as
 * `banking77.jsonl` with one {"text", "category", "split"} a line. The tests and `npm start`
 * never need it; without it these scripts stop with exit code 2 and say how to get it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './repo-root.js';

export function banking77Dir(): string {
  return path.resolve(process.env.SEMCLUST_BANKING77 ?? path.join(REPO_ROOT, '../shared/data/banking77'));
}

/** The path of `name` in the Banking77 folder; prints how to get the data and exits 2 when it is missing. */
export function banking77File(name = 'banking77.jsonl'): string {
  const file = path.join(banking77Dir(), name);
  if (fs.existsSync(file)) return file;
  process.stderr.write(
    `${file} not found. This script measures on Banking77 (13,083 labelled queries, CC BY 4.0), which is not shipped with semclust.\n` +
      `Get train.csv and test.csv from the repository PolyAI-LDN/task-specific-datasets (banking_data/), write them as\n` +
      `banking77.jsonl, one {"text": ..., "category": ..., "split": "train"|"test"} a line, train rows first, into\n` +
      `${banking77Dir()} or a folder named by SEMCLUST_BANKING77. The tests and npm start do not need it.\n`,
  );
  process.exit(2);
}
