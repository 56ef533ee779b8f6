/**
 * npm run bench:inputs — `semclust embed` on the same synthetic rows as JSONL, Parquet and
 * CSV (written by DuckDB from the JSONL), at 100k and 1M rows, in one run; then the Parquet
 * file with a precomputed vector column read through --embedding-column (no model).
 * Prints rows/s and peak RSS of each, the ratio of each format's rows/s to JSONL's (the peer
 * path in the same run), and RSS(1M) / RSS(100k) per format (memory must not grow with rows).
 * The texts are Banking77's (bench/synthetic-jsonl.ts says how to get them; exit 2 without).
 *
 *   npm run bench:inputs [-- ROWS]     (default 1000000)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStaticModel } from '../operators/embedders/static-model.js';
import { writeSyntheticJsonl } from './synthetic-jsonl.js';

const BIG = Number(process.argv[2] ?? 1_000_000);
const SMALL = Math.min(100_000, BIG);
const work = path.join(os.tmpdir(), 'semclust-bench-inputs');
const measureCli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'measure-cli.js');

async function duckdb(sql: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(sql);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

interface Measured {
  rowsPerS: number;
  seconds: number;
  maxRssMiB: number;
}

function embed(input: string, out: string, rows: number, extra: string[] = []): Measured {
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [measureCli, 'embed', input, out, '--quiet', ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`semclust embed ${input} failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { rowsPerS: rows / m.seconds, seconds: m.seconds, maxRssMiB: m.maxRssMiB };
}

const show = (label: string, m: Measured) =>
  `${label}: ${m.seconds.toFixed(2)} s, ${Math.round(m.rowsPerS).toLocaleString('en-US')} rows/s, peak RSS ${m.maxRssMiB.toFixed(0)} MiB`;

fs.mkdirSync(work, { recursive: true });
await (await openStaticModel()).close(); // build the model cache before any timing
console.log(`bench:inputs — static model, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
const results = new Map<string, Measured>();
for (const rows of [SMALL, BIG]) {
  const jsonl = path.join(work, `synthetic-${rows}.jsonl`);
  writeSyntheticJsonl(jsonl, rows);
  const parquet = jsonl.replace(/\.jsonl$/, '.parquet');
  const csv = jsonl.replace(/\.jsonl$/, '.csv');
  await duckdb(`COPY (SELECT * FROM read_json('${jsonl}')) TO '${parquet}' (FORMAT parquet)`);
  await duckdb(`COPY (SELECT * FROM read_json('${jsonl}')) TO '${csv}' (HEADER)`);
  for (const [format, file] of [['jsonl', jsonl], ['parquet', parquet], ['csv', csv]]) {
    const m = embed(file, path.join(work, `out-${format}-${rows}`), rows);
    results.set(`${format}-${rows}`, m);
    console.log(show(`${format.padEnd(7)} ${rows.toLocaleString('en-US')} rows`, m));
  }
  // Precomputed vectors: the Parquet run's own embeddings as a list column beside the text.
  const out = path.join(work, `out-parquet-${rows}`);
  const vectors = path.join(work, `vectors-${rows}.parquet`);
  await duckdb(
    `COPY (SELECT r.text, e.embedding FROM read_parquet('${out}/rows/*.parquet') r JOIN read_parquet('${out}/embeddings/*.parquet') e USING (id) ORDER BY r.line)
     TO '${vectors}' (FORMAT parquet)`,
  );
  const m = embed(vectors, path.join(work, `out-precomputed-${rows}`), rows, ['--embedding-column', 'embedding']);
  results.set(`precomputed-${rows}`, m);
  console.log(show(`precomputed (Parquet, 100-d list column) ${rows.toLocaleString('en-US')} rows`, m));
}
for (const format of ['parquet', 'csv', 'precomputed']) {
  const ratio = results.get(`${format}-${BIG}`)!.rowsPerS / results.get(`jsonl-${BIG}`)!.rowsPerS;
  console.log(`${format} / jsonl rows/s at ${BIG.toLocaleString('en-US')} rows: ${ratio.toFixed(2)}`);
}
for (const format of ['jsonl', 'parquet', 'csv', 'precomputed']) {
  const ratio = results.get(`${format}-${BIG}`)!.maxRssMiB / results.get(`${format}-${SMALL}`)!.maxRssMiB;
  console.log(`${format} peak RSS ${BIG.toLocaleString('en-US')} / ${SMALL.toLocaleString('en-US')}: ${ratio.toFixed(2)}`);
}
