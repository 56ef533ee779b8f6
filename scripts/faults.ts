/**
 * npm run faults — the run protocol under faults, with a table: a full disk at every stage
 * (the free space of a small tmpfs swept upwards), two runs on one OUTDIR at once, kill -9 at
 * seeded random moments of every stage, and SIGINT / SIGTERM. After each trial the same
 * command is rerun (with the space freed) to completion, and the outputs are compared with an
 * uninterrupted run: rows lost and rows duplicated (by id, in rows/, embeddings/ and labels/),
 * and whether every failure said clearly what happened. The HTTP client's faults (hangs,
 * resets, bad vectors, Retry-After) are `npm run faults:http`. The launch cases (scripts/
 * faults-launch.ts) run each scheduler's rendered job with hostile arguments and with a
 * credentialed endpoint: "unclear" there counts jobs that ran another command, changed an
 * argument, or let a credential into a file or a printed line.
 *
 *   npm run faults [-- --kills N] [-- --launch-only]   (default 10 kills per stage; the tmpfs needs root)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRng } from '../core/util/random.js';
import { EMBEDDINGS, LABELS, ROWS } from '../schemas/tables.js';
import { listParts, readParquet, stringsOf } from '../operators/parquet/parquet.js';
import { launchFaults } from './faults-launch.js';
import { sotuPassages } from './sotu-corpus.js';
import { REPO_ROOT } from './repo-root.js';

const at = process.argv.indexOf('--kills');
const KILLS = at > 0 ? Number(process.argv[at + 1]) : 10;
const LAUNCH_ONLY = process.argv.includes('--launch-only');
const CLI = path.join(REPO_ROOT, 'bin', 'semclust.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'semclust-faults-'));
const input = path.join(work, 'in.jsonl');
const passages = [...sotuPassages()].slice(0, 20_000);
fs.writeFileSync(input, passages.map((p) => JSON.stringify(p)).join('\n') + '\n');

interface Done {
  code: number | null;
  signal: string | null;
  stderr: string;
  ms: number;
}

function start(args: string[]): { child: ReturnType<typeof spawn>; done: Promise<Done> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Done>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, ms: Date.now() - t0 })));
  return { child, done };
}

const run = (args: string[]) => start(args).done;

const STAGE_ARGS: Record<string, (out: string) => string[]> = {
  embed: (out) => ['embed', input, out, '--part-rows', '2000'],
  fit: (out) => ['fit', out, '--kmeans-num-clusters', '50'],
  infer: (out) => ['infer', out],
  sample: (out) => ['sample', out, '--sample-size', '2000', '--within', 'diverse'],
};
const STAGES = Object.keys(STAGE_ARGS);

function ids(out: string, dir: string): string[] {
  return listParts(path.join(out, dir)).flatMap((f) => stringsOf(readParquet(f, ['id']), 'id'));
}

/** Rows of the reference missing from `out`, and rows of `out` beyond the reference's count, by id. */
function compare(reference: string, out: string): { lost: number; duplicated: number } {
  let lost = 0;
  let duplicated = 0;
  for (const dir of [ROWS.path, EMBEDDINGS.path, LABELS.path]) {
    if (!fs.existsSync(path.join(reference, dir))) continue;
    const want = new Map<string, number>();
    for (const id of ids(reference, dir)) want.set(id, (want.get(id) ?? 0) + 1);
    const got = new Map<string, number>();
    for (const id of ids(out, dir)) got.set(id, (got.get(id) ?? 0) + 1);
    for (const [id, n] of want) lost += Math.max(0, n - (got.get(id) ?? 0));
    for (const [id, n] of got) duplicated += Math.max(0, n - (want.get(id) ?? 0));
  }
  const sample = (o: string) => (fs.existsSync(path.join(o, 'sample.jsonl')) ? fs.readFileSync(path.join(o, 'sample.jsonl'), 'utf8') : '');
  if (sample(reference) !== sample(out)) lost += 1; // the sample differs: counted as one lost row set
  return { lost, duplicated };
}

/** OUTDIR with every stage before `stage` complete, copied from the reference's steps. */
const prefixes = new Map<string, string>();
async function prepare(stage: string, into: string): Promise<void> {
  fs.rmSync(into, { recursive: true, force: true });
  const i = STAGES.indexOf(stage);
  if (i > 0) fs.cpSync(prefixes.get(STAGES[i - 1])!, into, { recursive: true });
}

interface Row {
  fault: string;
  trials: number;
  failures: number;
  unclear: number;
  lost: number;
  duplicated: number;
  notes: string[];
}
const table: Row[] = [];
const pad = (s: string | number, n: number) => String(s).padStart(n);
const line = (r: Row) =>
  `${r.fault.padEnd(30)} ${pad(r.trials, 6)} ${pad(r.failures, 6)} ${pad(r.unclear, 7)} ${pad(r.lost, 5)} ${pad(r.duplicated, 5)}${r.notes.length ? `  ${[...new Set(r.notes)].slice(0, 2).join('; ')}` : ''}`;
/** Starts a table row; the previous row is printed as it is finished (the whole run takes minutes). */
function row(fault: string): Row {
  if (table.length > 0) console.log(`  ${line(table[table.length - 1])}`);
  const r = { fault, trials: 0, failures: 0, unclear: 0, lost: 0, duplicated: 0, notes: [] };
  table.push(r);
  return r;
}

async function finishAndCompare(r: Row, stage: string, out: string): Promise<void> {
  const rerun = await run(STAGE_ARGS[stage](out));
  if (rerun.code !== 0) {
    r.lost += 1;
    r.notes.push(`rerun failed: ${rerun.stderr.trim().split('\n').pop()}`);
    return;
  }
  const c = compare(prefixes.get(stage)!, out);
  r.lost += c.lost;
  r.duplicated += c.duplicated;
}

function printTable(): never {
  console.log(`\n${'fault'.padEnd(30)} ${pad('trials', 6)} ${pad('failed', 6)} ${pad('unclear', 7)} ${pad('lost', 5)} ${pad('dup', 5)}`);
  for (const r of table) console.log(line(r));
  const bad = table.some((r) => r.lost > 0 || r.duplicated > 0 || r.unclear > 0);
  console.log(`\n"failed": the interrupted or starved run exited non-zero (expected); "unclear": it did not say what happened (launch rows: the job ran another command, changed an argument or let a credential out); lost / dup: rows (by id) missing or extra after the rerun, against an uninterrupted run.`);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(bad ? 1 : 0);
}

// The launch cases first: seconds, and no reference run needed.
for (const l of launchFaults(CLI, work)) {
  const r = row(l.fault);
  Object.assign(r, { trials: l.trials, unclear: l.unclear, notes: l.notes });
}
if (LAUNCH_ONLY) printTable();

// The reference: each stage uninterrupted, its folder kept as the starting point of the next.
const durations = new Map<string, number>();
for (const stage of STAGES) {
  const out = path.join(work, `ref-${stage}`);
  await prepare(stage, out);
  const d = await run(STAGE_ARGS[stage](out));
  if (d.code !== 0) throw new Error(`reference ${stage} failed: ${d.stderr}`);
  durations.set(stage, d.ms);
  prefixes.set(stage, out);
}
console.log(`faults — ${passages.length.toLocaleString('en-US')} SOTU passages; uninterrupted: ${STAGES.map((s) => `${s} ${(durations.get(s)! / 1000).toFixed(1)} s`).join(', ')}`);

// kill -9 and signals at seeded random moments of each stage.
const rng = createRng(7);
for (const [fault, signal, trials, code, said] of [
  ['kill -9', 'SIGKILL', KILLS, null, null],
  ['SIGINT', 'SIGINT', 4, 130, /semclust: SIGINT: /],
  ['SIGTERM', 'SIGTERM', 4, 143, /semclust: SIGTERM: /],
] as const) {
  for (const stage of STAGES) {
    const r = row(`${fault} during ${stage}`);
    for (let t = 0; t < trials; t++) {
      const out = path.join(work, 'trial');
      await prepare(stage, out);
      const p = start(STAGE_ARGS[stage](out));
      // A moment of the stage itself: after the run took OUTDIR's lock, before its usual end.
      let exited = false;
      void p.done.then(() => (exited = true));
      while (!exited && !fs.existsSync(path.join(out, 'run.lock'))) await new Promise((res) => setTimeout(res, 2));
      const timer = setTimeout(() => p.child.kill(signal), rng.next() * durations.get(stage)!);
      const d = await p.done;
      clearTimeout(timer);
      r.trials++;
      if (d.code !== 0) {
        r.failures++;
        // A signal is re-raised after the message, so the run ends by it (a shell shows 130 / 143).
        if (signal !== 'SIGKILL' && ((d.code !== code && d.signal !== signal) || !said!.test(d.stderr))) {
          r.unclear++;
          r.notes.push(`exit ${d.code ?? d.signal}: ${d.stderr.trim().split('\n').pop()}`);
        }
      }
      await finishAndCompare(r, stage, out);
    }
  }
}

// Two runs at once on one OUTDIR: the second must refuse, naming the holder.
{
  const r = row('two runs on one OUTDIR');
  for (let t = 0; t < 5; t++) {
    const out = path.join(work, 'trial');
    await prepare('embed', out);
    const first = start(STAGE_ARGS.embed(out));
    while (!fs.existsSync(path.join(out, 'run.lock'))) await new Promise((res) => setTimeout(res, 5));
    const second = await run(['embed', input, out, '--part-rows', '500']);
    r.trials++;
    if (second.code !== 0) {
      r.failures++;
      if (!/is in use by `semclust embed/.test(second.stderr)) r.unclear++;
    } else r.notes.push('the second run was not refused');
    const d = await first.done;
    if (d.code !== 0) r.notes.push(`the first run failed: ${d.stderr.trim()}`);
    const c = compare(prefixes.get('embed')!, out);
    r.lost += c.lost;
    r.duplicated += c.duplicated;
  }
}

// A full disk: a tmpfs twice the size of the largest starting folder, the free space swept
// upwards under each stage.
{
  const mountPoint = path.join(work, 'tmpfs');
  fs.mkdirSync(mountPoint);
  const bytes = (dir: string): number => (fs.readdirSync(dir, { recursive: true }) as string[]).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  const size = 2 * bytes(prefixes.get('infer')!) + (16 << 20);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint]).status !== 0) {
    row('full disk (skipped: mounting a tmpfs needs root)');
  } else {
    try {
      const free = () => {
        const s = fs.statfsSync(mountPoint);
        return s.bavail * s.bsize;
      };
      for (const stage of STAGES) {
        const r = row(`full disk during ${stage}`);
        for (let room = 16 << 10; room <= 16 << 20; room *= 2) {
          const out = path.join(mountPoint, 'run');
          fs.rmSync(path.join(mountPoint, 'filler'), { force: true });
          await prepare(stage, out);
          const fill = free() - room;
          if (fill <= 0) continue;
          fs.writeFileSync(path.join(mountPoint, 'filler'), Buffer.alloc(fill));
          const d = await run(STAGE_ARGS[stage](out));
          r.trials++;
          if (d.code !== 0) {
            r.failures++;
            if (d.code !== 1 || !/no space left on device/i.test(d.stderr) || !d.stderr.includes(mountPoint)) {
              r.unclear++;
              r.notes.push(d.stderr.trim().split('\n')[0]);
            }
          }
          fs.rmSync(path.join(mountPoint, 'filler'), { force: true });
          await finishAndCompare(r, stage, out);
        }
      }
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  }
}

printTable();
