/**
 * A full disk is an error, never a success (issue 8 item 1): on a small tmpfs, embed, fit,
 * infer and sample are run with the free space swept from almost nothing upwards. Every run
 * either succeeds or exits 1 naming the path and "no space left on device"; the manifest
 * always parses and keeps every stage that was complete; no Parquet file under its final
 * name is cut short; freeing the space and rerunning completes the run.
 *
 * Needs root to mount the tmpfs (the CI runs as root); elsewhere it is skipped, saying so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readParquet } from '../../operators/parquet/parquet.js';
import { runCli } from '../support/cli.js';
import { sotuJsonl } from '../support/corpus.js';
import { tempDir } from '../support/paths.js';

const mountPoint = tempDir('tmpfs');
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]).status === 0;
const input = path.join(tempDir('full-disk-input'), 'in.jsonl');
fs.copyFileSync(sotuJsonl(2000), input);

function freeBytes(): number {
  const s = fs.statfsSync(mountPoint);
  return s.bavail * s.bsize;
}

/** Leaves about `free` bytes on the tmpfs. */
function fillTo(free: number): void {
  const filler = path.join(mountPoint, 'filler');
  fs.rmSync(filler, { force: true });
  const n = freeBytes() - free;
  if (n > 0) fs.writeFileSync(filler, Buffer.alloc(n));
}

/** `finished`: the run succeeded, so not even a temp file of a write cut short may be left. */
function checkIntact(out: string, complete: string[], finished: boolean): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { stages: Record<string, { status: string }> };
  for (const stage of complete) assert.equal(manifest.stages[stage]?.status, 'complete', `${stage} stays complete`);
  for (const f of fs.readdirSync(out, { recursive: true }) as string[]) {
    if (f.endsWith(".parquet")) assert.doesNotThrow(() => readParquet(path.join(out, f)), `${f} is cut short`);
    // A worker cut off mid-write by the failing process may leave a temp file: never under a
    // final name, and removed (with a message) by the next run.
    if (finished) assert.ok(!/\.\d+\.tmp$/.test(f), `temp file left: ${f}`);
  }
}

test('every stage on a full tmpfs fails clearly and loses nothing already written', { skip: mounted ? false : 'mount -t tmpfs needs root' }, async () => {
  const out = path.join(mountPoint, 'run');
  const stages: [string, string[], string[]][] = [
    ['fit', ['fit', out, '--kmeans-num-clusters', '20', '--quiet'], ['embed']],
    ['infer', ['infer', out, '--quiet'], ['embed', 'fit']],
    ['sample', ['sample', out, '--sample-size', '200', '--within', 'diverse', '--quiet'], ['embed', 'fit', 'infer']],
  ];
  try {
    assert.equal((await runCli(['embed', input, out, '--part-rows', '500', '--quiet'])).code, 0);
    let failures = 0;
    for (const [stage, args, complete] of stages) {
      let succeeded = false;
      for (let free = 4096; !succeeded && free < 4 << 20; free *= 2) {
        fillTo(free);
        const r = await runCli(args);
        if (r.code === 0) succeeded = true;
        else {
          failures++;
          assert.equal(r.code, 1, `${stage} at ${free} bytes free: ${r.stderr}`);
          assert.match(r.stderr, /no space left on device|ENOSPC/i, `${stage} at ${free} bytes free`);
          assert.match(r.stderr, new RegExp(mountPoint.replace(/[/.]/g, '\\$&')), 'the message names the path');
        }
        checkIntact(out, succeeded ? [...complete, stage] : complete, succeeded);
      }
      fs.rmSync(path.join(mountPoint, 'filler'), { force: true });
      if (!succeeded) assert.equal((await runCli(args)).code, 0, `${stage} completes once there is room`);
    }
    assert.ok(failures >= 3, `only ${failures} runs hit the full disk`);
  } finally {
    spawnSync('umount', [mountPoint]);
  }
});
