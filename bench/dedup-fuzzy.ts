/**
 * Fuzzy dedup (core/dedup/: normalise, word 1-gram MinHash with 128 permutations, LSH banding
 * from Jaccard 0.8, candidates confirmed by exact Jaccard in a second read of the file, each
 * row's best earlier match, groups) on synthetic prompts at 200k and 1M
 * rows: wall and CPU time and peak RSS of a child process that reads a JSONL file and runs the
 * core functions, against numpy (Debian /usr/bin/python3, bench/peers/minhash_numpy.py)
 * running the same algorithm with the same parameters on the same file. Texts: 8–24 words
 * from a 20,000-word Zipf vocabulary; 15% are copies of an earlier row with one edit (a word
 * dropped or swapped, a letter transposed, case or punctuation changed). The DuckDB read of
 * rows/ and the dedup/ table of the stage are not timed here. The first read (parse, normalise,
 * shingle, sign) is also reported alone: it is what sharded dedup spreads over its shards.
 *
 * Usage: node dist/bench/dedup-fuzzy.js [rows=200000,1000000]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzzyGroups } from '../core/dedup/fuzzy-groups.js';
import { CONFIRMED_FALSE_NEGATIVE_WEIGHT, lshBands } from '../core/dedup/lsh-bands.js';
import { ExactConfirmer } from '../core/dedup/exact-jaccard.js';
import { lshCandidates } from '../core/dedup/lsh-match.js';
import { minhashFamily, minhashSignature } from '../core/dedup/minhash.js';
import { normalizeText } from '../core/dedup/normalize-text.js';
import { shingleHashes } from '../core/dedup/shingles.js';
import { createRng } from '../core/util/random.js';

const P = 128;
const THRESHOLD = 0.8;
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function writeTexts(file: string, n: number): void {
  const rng = createRng(5);
  const vocabulary = Array.from({ length: 20000 }, (_, i) => i.toString(36).replace(/\d/g, (d) => 'qxzjkvwyfb'[Number(d)]) + 'e');
  // Zipf: word rank ~ exp(u · ln V).
  const word = () => vocabulary[Math.min(vocabulary.length - 1, Math.floor(Math.exp(rng.next() * Math.log(vocabulary.length))) - 1)];
  const texts: string[] = [];
  const fd = fs.openSync(file, 'w');
  let buffer: string[] = [];
  for (let i = 0; i < n; i++) {
    let text: string;
    if (i > 0 && rng.next() < 0.15) {
      const w = texts[rng.int(texts.length)].split(' ');
      const kind = rng.int(5);
      const p = rng.int(w.length);
      if (kind === 0) w.splice(p, 1);
      else if (kind === 1 && p + 1 < w.length) [w[p], w[p + 1]] = [w[p + 1], w[p]];
      else if (kind === 2 && w[p].length > 3) w[p] = w[p][1] + w[p][0] + w[p].slice(2);
      text = kind === 3 ? w.join(' ').toUpperCase() : kind === 4 ? `${w.join(' ')}?` : w.join(' ');
    } else {
      const len = 8 + rng.int(17);
      text = Array.from({ length: len }, word).join(' ');
      text = text[0].toUpperCase() + text.slice(1) + '.';
    }
    // A window of recent texts to copy from keeps the generator's memory flat.
    if (texts.length < 50000) texts.push(text);
    else texts[rng.int(texts.length)] = text;
    buffer.push(JSON.stringify({ text }));
    if (buffer.length === 10000) {
      fs.writeSync(fd, buffer.join('\n') + '\n');
      buffer = [];
    }
  }
  if (buffer.length) fs.writeSync(fd, buffer.join('\n') + '\n');
  fs.closeSync(fd);
}

/** The child: reads the file line by line (no copy of all texts), finds candidates, reads it again to confirm them, groups. Prints JSON figures. */
async function child(file: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const family = minhashFamily(P, 1);
  let signatures = new Uint32Array(1 << 16);
  let use = new Uint8Array(signatures.length / P);
  let n = 0;
  const { createInterface } = await import('node:readline');
  const lines = () => createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  const shingles = (line: string) => shingleHashes(normalizeText((JSON.parse(line) as { text: string }).text), 'word', 1);
  for await (const line of lines()) {
    if ((n + 1) * P > signatures.length) {
      const s = new Uint32Array(signatures.length * 2);
      s.set(signatures);
      signatures = s;
      const u = new Uint8Array(use.length * 2);
      u.set(use);
      use = u;
    }
    const set = shingles(line);
    use[n] = set.length > 0 ? 1 : 0;
    minhashSignature(set, family, signatures, n * P);
    n++;
  }
  // Reading and signing: the share `semclust dedup --shard I/N` shares out (the rest is the merge's).
  const signCpu = process.cpuUsage(c0);
  const signSeconds = (performance.now() - t0) / 1000;
  const banding = lshBands(THRESHOLD, P, CONFIRMED_FALSE_NEGATIVE_WEIGHT);
  const pairs = lshCandidates(signatures, n, P, banding, use);
  signatures = new Uint32Array(0);
  const confirmer = new ExactConfirmer(pairs, n);
  let k = 0;
  for await (const line of lines()) {
    if (confirmer.needs(k)) confirmer.visit(k, shingles(line).sort());
    k++;
  }
  const { match, jaccard } = confirmer.result();
  const { kept } = fuzzyGroups(match, jaccard, THRESHOLD);
  const c = process.cpuUsage(c0);
  let removed = 0;
  for (let i = 0; i < n; i++) removed += 1 - kept[i];
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, signSeconds, signCpu: (signCpu.user + signCpu.system) / 1e6, maxRss: process.resourceUsage().maxRSS * 1024, removed, banding, pairs: pairs.row.length }));
}

function main(): void {
  const sizes = (process.argv[2] ?? '200000,1000000').split(',').map(Number);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'semclust-bench-fuzzy-'));
  const peer = fileURLToPath(new URL('../../bench/peers/minhash_numpy.py', import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const rss: Record<string, number[]> = { semclust: [], numpy: [] };
  try {
    console.log(`fuzzy dedup, word 1-grams, ${P} permutations, Jaccard ≥ ${THRESHOLD}; load: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    for (const n of sizes) {
      const file = path.join(dir, `texts-${n}.jsonl`);
      writeTexts(file, n);
      const r = spawnSync(process.execPath, [self, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(r.stderr);
      const ours = JSON.parse(r.stdout) as { seconds: number; cpu: number; signSeconds: number; signCpu: number; maxRss: number; removed: number; banding: { bands: number; rows: number }; pairs: number };
      rss.semclust.push(ours.maxRss);
      console.log(`${n.toLocaleString('en-US')} rows (${mib(fs.statSync(file).size)} JSONL), ${ours.banding.bands} bands × ${ours.banding.rows} rows, ${ours.pairs.toLocaleString('en-US')} candidate pairs`);
      console.log(`  semclust: ${ours.seconds.toFixed(2)} s (CPU ${ours.cpu.toFixed(2)} s), removed ${ours.removed}, maxRSS ${mib(ours.maxRss)}`);
      console.log(`  of which reading + signing, what dedup shards share out: ${ours.signSeconds.toFixed(2)} s (CPU ${ours.signCpu.toFixed(2)} s, ${((100 * ours.signCpu) / ours.cpu).toFixed(0)}% of the CPU)`);
      const p = spawnSync('/usr/bin/python3', [peer, file, String(P), String(ours.banding.bands), String(ours.banding.rows), String(THRESHOLD)], {
        encoding: 'utf8',
        env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' },
      });
      if (p.status !== 0) {
        console.log(`  numpy peer failed (apt-get install -y python3-numpy): ${p.stderr.trim().split('\n').pop()}`);
        continue;
      }
      const [seconds, cpu, maxRss, removed] = p.stdout.trim().split(/\s+/).map(Number);
      rss.numpy.push(maxRss);
      console.log(`  numpy:    ${seconds.toFixed(2)} s (CPU ${cpu.toFixed(2)} s), removed ${removed}, maxRSS ${mib(maxRss)}`);
      console.log(`  semclust / numpy: ${(ours.seconds / seconds).toFixed(2)}× wall time (target ≤ 1.0), ${(ours.cpu / cpu).toFixed(2)}× CPU, ${(ours.maxRss / maxRss).toFixed(2)}× peak RSS`);
      fs.rmSync(file);
    }
    for (const [who, r] of Object.entries(rss))
      if (r.length > 1) console.log(`${who} peak RSS ${sizes[sizes.length - 1].toLocaleString('en-US')} / ${sizes[0].toLocaleString('en-US')} rows: ${(r[r.length - 1] / r[0]).toFixed(2)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else main();
