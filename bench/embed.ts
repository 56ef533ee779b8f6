/**
 * npm run bench:embed — on the same synthetic rows, in one run:
 *  - end to end: `semclust embed` (JSONL → rows + embeddings Parquet) at 100k and 1M rows,
 *    rows/s and peak RSS of the process;
 *  - raw: the static model's onnxruntime session alone on the same texts (see raw()).
 * Prints end-to-end / raw (target ≥ 0.5) and RSS(1M) / RSS(100k) (target ≤ 1.3).
 *
 *   npm run bench:embed [-- ROWS]     (default 1000000)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStaticModel } from '../operators/embedders/static-model.js';
import { banking77Texts, syntheticText, writeSyntheticJsonl } from './synthetic-jsonl.js';

const BIG = Number(process.argv[2] ?? 1_000_000);
const SMALL = Math.min(100_000, BIG);
const BATCH = 512;
const work = path.join(os.tmpdir(), 'semclust-bench-embed');
const measureCli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'measure-cli.js');

function endToEnd(rows: number): { rowsPerS: number; seconds: number; maxRssMiB: number } {
  const input = path.join(work, `synthetic-${rows}.jsonl`);
  writeSyntheticJsonl(input, rows);
  const out = path.join(work, `out-${rows}`);
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [measureCli, 'embed', input, out, '--quiet'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`semclust embed failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { rowsPerS: rows / m.seconds, seconds: m.seconds, maxRssMiB: m.maxRssMiB };
}

/**
 * The session alone on the same texts, tokenised outside the timing: `padded` feeds
 * batches of 512 padded to their longest text (how the issue measured its raw rate);
 * `bucketed` feeds the length-bucketed batches embed() itself runs.
 */
async function raw(rows: number, mode: 'padded' | 'bucketed'): Promise<{ rowsPerS: number; seconds: number }> {
  const model = await openStaticModel();
  const texts = banking77Texts();
  let seconds = 0;
  const batch: string[] = [];
  for (let start = 0; start < rows; start += BATCH) {
    batch.length = 0;
    for (let i = start; i < Math.min(rows, start + BATCH); i++) batch.push(syntheticText(texts, i));
    const batches = mode === 'padded' ? [model.tokenize(batch)] : model.tokenizeBuckets(batch).batches;
    const t0 = performance.now();
    for (const t of batches) await model.runTokenized(t);
    seconds += (performance.now() - t0) / 1000;
  }
  await model.close();
  return { rowsPerS: rows / seconds, seconds };
}

fs.mkdirSync(work, { recursive: true });
// Build the model cache before any timing.
await (await openStaticModel()).close();
console.log(`bench:embed — static model, ${os.cpus().length} cores, node ${process.version}`);
const small = endToEnd(SMALL);
console.log(`end to end ${SMALL.toLocaleString('en-US')} rows: ${small.seconds.toFixed(2)} s, ${Math.round(small.rowsPerS).toLocaleString('en-US')} rows/s, peak RSS ${small.maxRssMiB.toFixed(0)} MiB`);
const big = endToEnd(BIG);
console.log(`end to end ${BIG.toLocaleString('en-US')} rows: ${big.seconds.toFixed(2)} s, ${Math.round(big.rowsPerS).toLocaleString('en-US')} rows/s, peak RSS ${big.maxRssMiB.toFixed(0)} MiB`);
for (const mode of ['padded', 'bucketed'] as const) {
  const r = await raw(BIG, mode);
  console.log(`raw onnxruntime session, same ${BIG.toLocaleString('en-US')} texts, ${mode} batches of ${BATCH}: ${r.seconds.toFixed(2)} s, ${Math.round(r.rowsPerS).toLocaleString('en-US')} rows/s; end-to-end / raw = ${(big.rowsPerS / r.rowsPerS).toFixed(3)}`);
}
console.log(`ratio peak RSS ${BIG.toLocaleString('en-US')} / ${SMALL.toLocaleString('en-US')}: ${(big.maxRssMiB / small.maxRssMiB).toFixed(3)} (target ≤ 1.3)`);
