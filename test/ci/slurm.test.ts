/**
 * .ci/slurm.sh, which CI relies on to start the test cluster: `up` is idempotent, restarts a
 * half-started cluster (a daemon gone), moves to free ports when its port is taken, and `down`
 * stops every daemon it started, twice in a row without error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO, tempDir } from '../support/paths.js';
import { slurmSkip } from '../support/slurm.js';

const SCRIPT = path.join(REPO, '.ci/slurm.sh');

test('.ci/slurm.sh: up twice keeps the running cluster, a killed slurmd is restarted, a taken port is avoided, down stops all', { skip: slurmSkip, timeout: 120_000 }, async () => {
  const dir = tempDir('ci-slurm');
  const env = { ...process.env, SEMCLUST_SLURM_DIR: dir, SLURM_CONF: path.join(dir, 'slurm.conf') };
  const sh = (verb: string) => spawnSync('bash', [SCRIPT, verb], { env, encoding: 'utf8' });
  const pids = () => ['run/slurmctld.pid', 'run/slurmd.pid', 'munge/munged.pid'].map((f) => Number(fs.readFileSync(path.join(dir, f), 'utf8')));
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const idle = () => execFileSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).trim();
  const port = () => Number(/SlurmctldPort=(\d+)/.exec(fs.readFileSync(path.join(dir, 'slurm.conf'), 'utf8'))![1]);
  let blocker: net.Server | undefined;
  try {
    const first = sh('up');
    assert.equal(first.status, 0, first.stderr);
    assert.equal(idle(), 'idle');
    const started = pids();

    const again = sh('up');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /already up/);
    assert.deepEqual(pids(), started, 'the same daemons');

    // Half-started: slurmd gone. up starts the cluster again and it is idle.
    process.kill(started[1], 'SIGKILL');
    while (alive(started[1])) await new Promise((r) => setTimeout(r, 50));
    const restarted = sh('up');
    assert.equal(restarted.status, 0, restarted.stderr);
    assert.equal(idle(), 'idle');
    assert.ok(pids().every(alive));

    // Its port taken by someone else while it is down: the next up moves on.
    const used = port();
    assert.equal(sh('down').status, 0);
    blocker = net.createServer().listen(used, '127.0.0.1');
    await new Promise((r) => blocker!.once('listening', r));
    const moved = sh('up');
    assert.equal(moved.status, 0, moved.stderr);
    assert.notEqual(port(), used);
    assert.equal(idle(), 'idle');
  } finally {
    const last = pids();
    const down = sh('down');
    assert.equal(down.status, 0, down.stderr);
    assert.equal(sh('down').status, 0, 'down twice');
    blocker?.close();
    for (const pid of last) {
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!alive(pid), `pid ${pid} stopped`);
    }
  }
});
