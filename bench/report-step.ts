/**
 * One step of bench:report in its own process, so its peak RSS is the step's alone.
 * Prints, as the last stdout line, JSON with wall and CPU seconds, RSS before the step
 * (node and the modules loaded) and the process's peak RSS.
 *
 *   node dist/bench/report-step.js keywords DIR [VOCAB]  c-TF-IDF over DIR (vocabulary cap VOCAB, default
 *                                                        keywords_vocabulary), then DIR/clusters.parquet
 *   node dist/bench/report-step.js report DIR CAP FILE   report.html with report_max_points = CAP, moved to FILE
 */
import fs from 'node:fs';
import path from 'node:path';
import { clusterKeywords } from '../operators/describe/cluster-keywords.js';
import { settingsShape } from '../schemas/config.js';
import { writeReport } from '../pipeline/report/report.js';
import { syntheticClusters, writeSyntheticClusters } from './synthetic-run.js';
import { timed } from './timed.js';

const [step, dir, arg, dest] = process.argv.slice(2);
const rssBeforeMiB = process.memoryUsage().rss / 2 ** 20;
let extra: Record<string, unknown> = {};
let timing;
if (step === 'keywords') {
  const { clusters, largest } = syntheticClusters(dir);
  const [r, t] = await timed(async () =>
    clusterKeywords(dir, { clusters, top: settingsShape.keywords_top.parse(undefined), vocabulary: Number(arg ?? settingsShape.keywords_vocabulary.parse(undefined)) }),
  );
  timing = t;
  if (arg === undefined) writeSyntheticClusters(dir, r.keywords, r.scores);
  extra = { vocabularySize: r.vocabularySize, topOfLargest: r.keywords[largest].slice(0, 5) };
} else if (step === 'report') {
  const [file, t] = await timed(() => writeReport(dir, { report_max_points: Number(arg), seed: 42, facet: [] }));
  timing = t;
  fs.renameSync(file, dest);
  extra = { bytes: fs.statSync(dest).size, file: path.basename(dest) };
} else {
  throw new Error(`unknown step ${step}: use keywords DIR, or report DIR CAP FILE`);
}
process.stdout.write(JSON.stringify({ ...timing, rssBeforeMiB, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...extra }) + '\n');
