/**
 * npm run bench:report — what issue 10's report costs at 100k and 1M rows:
 *
 * 1. Keywords (c-TF-IDF, operators/describe/cluster-keywords.ts) over a labelled run made directly
 *    in the real layouts by bench/synthetic-run.ts (Banking77 texts in pairs, clustered by
 *    intent: 77 clusters), each in its own process (bench/report-step.ts) for a per-step
 *    peak RSS; with node's default threads and with `--single-threaded` (no V8 helper
 *    threads: the counting itself is one JS thread either way), and with a 10,000-term cap
 *    that both sizes exceed. The 1M / 100k peak-RSS ratios show memory bounded by the
 *    vocabulary cap, not by rows.
 *    Beside it BERTopic's own recipe (bench/peers/ctfidf_bertopic.py, scikit-learn) on the same
 *    rows, as ratios, with how many top keywords the two share.
 * 2. report.html at the default report_max_points: write time, peak RSS, file size.
 * 3. Point cap: report.html of the 1M run at several caps, its size and the time until the
 *    page has drawn its points in headless Chromium (`window.semclust.firstDrawMs`: ms from
 *    navigation start to the end of the first draw, median of 3 loads) and the time one
 *    redraw takes after a wheel zoom (`window.semclust.lastDrawMs`, median of 5 × 3).
 * 4. The 2-D UMAP map of the default run (no --enable-umap): fit on Banking77 (13,083 rows,
 *    built-in model) and at 100k synthetic rows (fit 20,000 = umap_fit_sample, transform
 *    every row), 1 and all onnxruntime threads; 1M is extrapolated (fit + 10 × the 100k
 *    transform), labelled as such.
 *
 *   npm run bench:report [-- --rows 100000,1000000] [--caps 50000,100000,200000,500000,1000000] [--no-umap] [--no-browser]
 *
 * Needs Banking77 (scripts/banking77-data.ts says how to get it; exit 2 without) and, for
 * the page timings, Chromium (scripts/chromium.ts; skipped with a line when missing).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRng, sampleIndices } from '../core/util/random.js';
import { fitUmap } from '../core/umap/fit-umap.js';
import { releaseTransformIndex, transformUmap } from '../core/umap/transform-umap.js';
import { openStaticModel } from '../operators/embedders/static-model.js';
import { stopWordLists } from '../operators/describe/stop-words.js';
import { readClusterDescriptions } from '../pipeline/report/describe-clusters.js';
import { settingsShape } from '../schemas/config.js';
import { banking77File } from '../scripts/banking77-data.js';
import { chromiumPath, INSTALL_HINT, launchChromium } from '../scripts/chromium.js';
import { banking77Texts, syntheticText } from './synthetic-jsonl.js';
import { writeSyntheticRun } from './synthetic-run.js';
import { timed } from './timed.js';
import { peerBlas } from './peer-blas.js';

const argv = process.argv.slice(2);
const list = (name: string, fallback: number[]) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1].split(',').map(Number) : fallback;
};
const ROWS = list('--rows', [100_000, 1_000_000]);
const CAPS = list('--caps', [50_000, 100_000, 200_000, 500_000, 1_000_000]);
const DEFAULT_CAP = settingsShape.report_max_points.parse(undefined);
const PART_ROWS = settingsShape.part_rows.parse(undefined);
const UMAP_FIT = settingsShape.umap_fit_sample.parse(undefined);
const LOADS = 3;
// A cap both row counts exceed in distinct terms (59k at 100k rows, 196k at 1M), so the map is pruned in both.
const SMALL_VOCABULARY = 10_000;
const REDRAWS = 5;
const here = path.dirname(fileURLToPath(import.meta.url));
const PEER = fileURLToPath(new URL('../../bench/peers/ctfidf_bertopic.py', import.meta.url));
const work = path.join(os.tmpdir(), 'semclust-bench-report');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

interface Step {
  seconds: number;
  cpu: number;
  rssBeforeMiB: number;
  maxRssMiB: number;
  [k: string]: unknown;
}

function step(args: string[], nodeFlags: string[] = []): Step {
  const r = spawnSync(process.execPath, [...nodeFlags, path.join(here, 'report-step.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`report-step ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/**
 * BERTopic's c-TF-IDF (bench/peers/ctfidf_bertopic.py: scikit-learn's CountVectorizer over each
 * cluster's joined texts) on the same rows: time and peak RSS as semclust / peer, and how many
 * of each cluster's top keywords the two share.
 */
function comparePeer(dir: string, rows: number, rssMiB: number, seconds: number): void {
  const top = settingsShape.keywords_top.parse(undefined);
  console.log(`  ${peerBlas().line}`);
  const stopWords = path.join(work, 'stop-words-en.json');
  fs.writeFileSync(stopWords, JSON.stringify([...stopWordLists().get('en')!]));
  const r = spawnSync('/usr/bin/python3', [PEER, '--banking77', banking77File(), '--rows', String(rows), '--top', String(top), '--stop-words', stopWords], { env: peerBlas().env, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    console.log(`  peer (BERTopic c-TF-IDF, scikit-learn): not run: ${r.error?.message ?? r.stderr.trim().split('\n').pop()} (apt-get install -y python3-sklearn)`);
    return;
  }
  const peer = JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; cpu: number; maxRssMiB: number; vocabularySize: number; keywords: string[][] };
  const ours = readClusterDescriptions(dir).sort((a, b) => a.cluster - b.cluster);
  let shared = 0, sameFirst = 0;
  for (const c of ours) {
    const theirs = new Set(peer.keywords[c.cluster]);
    shared += c.keywords.filter((w) => theirs.has(w)).length / top;
    if (c.keywords[0] === peer.keywords[c.cluster][0]) sameFirst++;
  }
  console.log(
    `  peer (BERTopic c-TF-IDF, scikit-learn, one thread; texts in memory, full vocabulary ${fmt(peer.vocabularySize)}) ${peer.seconds.toFixed(2)} s, peak RSS ${peer.maxRssMiB.toFixed(0)} MiB` +
      ` → semclust / peer: time ${(seconds / peer.seconds).toFixed(2)}×, peak RSS ${(rssMiB / peer.maxRssMiB).toFixed(2)}×;` +
      ` top-${top} keywords shared ${((100 * shared) / ours.length).toFixed(0)}%, same first keyword in ${sameFirst} of ${ours.length} clusters`,
  );
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

banking77File();
fs.mkdirSync(work, { recursive: true });
console.log(`bench:report — ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`rows: made directly in the rows/labels/projection layouts (bench/synthetic-run.ts): Banking77 queries in pairs,`);
console.log(`clustered by the first query's intent (77 clusters), map = seeded intent centres + Gaussian scatter; no embed/fit/infer.`);

const pages: { name: string; file: string; points: number }[] = [];
const keywordPeak = new Map<number, number>();
const smallVocabularyPeak = new Map<number, number>();
let keywordSeconds = 0;
for (const rows of ROWS) {
  const dir = path.join(work, `run-${rows}`);
  const [, made] = await timed(() => writeSyntheticRun(dir, rows, PART_ROWS));
  console.log(`\n${fmt(rows)} rows (${Math.ceil(rows / PART_ROWS)} parts of ${fmt(PART_ROWS)}; folder ready in ${made.seconds.toFixed(1)} s)`);
  for (const [name, args, flags] of [
    ['default threads', [], []],
    ['--single-threaded', [], ['--single-threaded']],
    [`vocabulary ${fmt(SMALL_VOCABULARY)}`, [String(SMALL_VOCABULARY)], []],
  ] as const) {
    const k = step(['keywords', dir, ...args], [...flags]);
    if (args.length) smallVocabularyPeak.set(rows, k.maxRssMiB);
    else if (!flags.length) {
      keywordPeak.set(rows, k.maxRssMiB);
      keywordSeconds = k.seconds;
    }
    console.log(
      `  keywords (${name.padEnd(17)}) ${k.seconds.toFixed(2).padStart(7)} s wall ${k.cpu.toFixed(2).padStart(7)} s CPU  ${fmt(rows / k.seconds).padStart(9)} rows/s  ` +
        `peak RSS ${k.maxRssMiB.toFixed(0)} MiB (${k.rssBeforeMiB.toFixed(0)} MiB before)  vocabulary ${fmt(k.vocabularySize as number)}`,
    );
    if (name === 'default threads') console.log(`  largest cluster's top keywords: ${(k.topOfLargest as string[]).join(', ')}`);
  }
  comparePeer(dir, rows, keywordPeak.get(rows)!, keywordSeconds);
  const file = path.join(work, `report-${rows}-cap${DEFAULT_CAP}.html`);
  const r = step(['report', dir, String(DEFAULT_CAP), file]);
  const points = Math.min(rows, DEFAULT_CAP);
  console.log(`  report.html (report_max_points ${fmt(DEFAULT_CAP)}: ${fmt(points)} points) ${r.seconds.toFixed(2)} s, peak RSS ${r.maxRssMiB.toFixed(0)} MiB, ${mib(r.bytes as number)} MiB`);
  pages.push({ name: `${fmt(rows)} rows, default cap`, file, points });
}
if (ROWS.length > 1) {
  const lo = Math.min(...ROWS), hi = Math.max(...ROWS);
  const ratio = (m: Map<number, number>) => (m.get(hi)! / m.get(lo)!).toFixed(2);
  console.log(`\nkeywords peak RSS ${fmt(hi)} / ${fmt(lo)} rows: ${ratio(keywordPeak)} at the default vocabulary, ${ratio(smallVocabularyPeak)} at ${fmt(SMALL_VOCABULARY)}`);
  console.log('(the term map holds up to 4 × the cap before pruning: it grows with distinct terms until then, not with rows after)');
}

// The point cap, on the largest run: file size and first draw at each cap.
const biggest = Math.max(...ROWS);
console.log(`\npoint cap on the ${fmt(biggest)}-row run (report.html; texts cut to 280 characters):`);
for (const cap of CAPS.filter((c) => c <= biggest && c !== DEFAULT_CAP)) {
  const file = path.join(work, `report-${biggest}-cap${cap}.html`);
  const r = step(['report', path.join(work, `run-${biggest}`), String(cap), file]);
  console.log(`  cap ${fmt(cap).padStart(9)}: ${mib(r.bytes as number).padStart(6)} MiB, written in ${r.seconds.toFixed(2)} s`);
  pages.push({ name: `${fmt(biggest)} rows, cap ${fmt(cap)}`, file, points: cap });
}

if (argv.includes('--no-browser') || !chromiumPath()) {
  console.log(`\nfirst draw in Chromium: skipped (${argv.includes('--no-browser') ? '--no-browser' : `no Chromium: ${INSTALL_HINT}`})`);
} else {
  console.log(`\nfirst draw in headless Chromium (${chromiumPath()}, 1600 × 1000, median of ${LOADS} loads; goal < 2,000 ms):`);
  const browser = await launchChromium();
  try {
    for (const p of pages.sort((a, b) => a.points - b.points)) {
      const draws: number[] = [], walls: number[] = [], heaps: number[] = [], redraws: number[] = [];
      let drawn = 0;
      for (let i = 0; i < LOADS; i++) {
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        const t0 = performance.now();
        await page.goto(pathToFileURL(p.file).href);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
        walls.push(performance.now() - t0);
        const s = await page.evaluate(() => {
          const w = globalThis as unknown as { semclust: { firstDrawMs: number; drawn: number }; performance: { memory?: { usedJSHeapSize: number } } };
          return { first: w.semclust.firstDrawMs, drawn: w.semclust.drawn, heap: w.performance.memory?.usedJSHeapSize ?? 0 };
        });
        draws.push(s.first);
        heaps.push(s.heap);
        drawn = s.drawn;
        // Zoom steps at the centre, each followed by two frames so the redraw has run.
        await page.mouse.move(800, 500);
        for (let z = 0; z < REDRAWS; z++) {
          await page.mouse.wheel(0, -120);
          redraws.push(await page.evaluate(() => new Promise<number>((done) => {
            const g = globalThis as unknown as { requestAnimationFrame(f: () => void): void; semclust: { lastDrawMs: number } };
            g.requestAnimationFrame(() => g.requestAnimationFrame(() => done(g.semclust.lastDrawMs)));
          })));
        }
        await page.close();
      }
      console.log(
        `  ${p.name.padEnd(26)} ${fmt(drawn).padStart(8)} points drawn  first draw ${fmt(median(draws)).padStart(6)} ms  redraw ${fmt(median(redraws)).padStart(4)} ms  ` +
          `(ready seen by the driver ${fmt(median(walls))} ms, page JS heap ${mib(median(heaps))} MiB, ${mib(fs.statSync(p.file).size)} MiB file)`,
      );
    }
  } finally {
    await browser.close();
  }
}

if (argv.includes('--no-umap')) {
  console.log('\nUMAP 2-D map: skipped (--no-umap)');
} else {
  await umapCost();
}

/** The default run's 2-D map: fit on min(rows, umap_fit_sample) rows, then transform every row (as fit and infer do). */
async function umapCost(): Promise<void> {
  const model = await openStaticModel();
  const texts = banking77Texts();
  const cases: [string, string[]][] = [
    [`Banking77 (${fmt(texts.length)} rows)`, texts],
    ['100,000 synthetic rows', Array.from({ length: 100_000 }, (_, i) => syntheticText(texts, i))],
  ];
  console.log(`\nUMAP 2-D map (built-in model, ${model.dims}-d; fit on at most ${fmt(UMAP_FIT)} rows, every row transformed in blocks of 16,384):`);
  const cost100k = new Map<number, { fit: number; transform: number }>();
  try {
    for (const [name, t] of cases) {
      const x = await model.embed(t);
      const rows = t.length;
      const fitRows = Math.min(rows, UMAP_FIT);
      const picked = sampleIndices(rows, fitRows, createRng(43));
      const data = new Float32Array(fitRows * model.dims);
      picked.forEach((r, i) => data.set(x.subarray(r * model.dims, (r + 1) * model.dims), i * model.dims));
      for (const threads of [1, os.cpus().length]) {
        const [umap, fit] = await timed(() => fitUmap(data, model.dims, { dims: [2], seed: 42, threads }));
        const [, tr] = await timed(async () => {
          for (let s = 0; s < rows; s += 16384) await transformUmap(umap, x.subarray(s * model.dims, Math.min(rows, s + 16384) * model.dims), { threads });
        });
        await releaseTransformIndex(umap);
        if (rows === 100_000) cost100k.set(threads, { fit: fit.seconds, transform: tr.seconds });
        console.log(`  ${name.padEnd(24)} ${threads} thread${threads > 1 ? 's' : ' '}: fit ${fmt(fitRows)} rows ${fit.seconds.toFixed(1).padStart(6)} s, transform ${fmt(rows)} rows ${tr.seconds.toFixed(1).padStart(6)} s`);
      }
    }
  } finally {
    await model.close();
  }
  for (const [threads, c] of cost100k) {
    console.log(`  1,000,000 rows, EXTRAPOLATED (fit as at 100k + 10 × the 100k transform), ${threads} thread${threads > 1 ? 's' : ' '}: ~${(c.fit + 10 * c.transform).toFixed(0)} s`);
  }
}
