import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { RunLock, RunLockError, type LockOwner } from '../../../operators/store/run-lock.js';
import { REPO, tempDir } from '../../support/paths.js';

const ignore = () => {};
const ownerOf = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner;

/** The pid of a process that has exited (so no live process holds it, barring pid reuse within the test). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('the lock file names its owner; a second taker of the same scope is refused with the holder, another scope is not', () => {
  const out = tempDir('lock');
  const lock = RunLock.acquire(out, 'run', 'fit /data/out', ignore);
  assert.equal(lock.file, path.join(out, 'run.lock'));
  const owner = ownerOf(lock.file);
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.host, os.hostname());
  assert.equal(owner.command, 'fit /data/out');
  assert.ok(Math.abs(Date.parse(owner.started_at) - Date.now()) < 60_000);

  assert.throws(
    () => RunLock.acquire(out, 'run', 'infer /data/out', ignore),
    (e: Error) => e instanceof RunLockError && e.message.includes('`semclust fit /data/out`') && e.message.includes(`pid ${process.pid}`) && e.message.includes(out),
  );
  const shard = RunLock.acquire(out, 'shard-1-of-4', 'embed --shard 1/4', ignore);
  assert.ok(fs.existsSync(path.join(out, 'shard-1-of-4.lock')));
  shard.release();
  lock.release();
  assert.deepEqual(fs.readdirSync(out), []);
  RunLock.acquire(out, 'run', 'infer /data/out', ignore).release();
});

test('a lock left by a process that is gone is taken over, and the log says whose it was', () => {
  const out = tempDir('lock');
  const pid = deadPid();
  fs.writeFileSync(path.join(out, 'run.lock'), JSON.stringify({ pid, host: os.hostname(), command: 'embed x', started_at: '2026-01-01T00:00:00Z' }));
  const said: string[] = [];
  const lock = RunLock.acquire(out, 'run', 'embed x', (m) => said.push(m));
  assert.equal(ownerOf(lock.file).pid, process.pid);
  assert.equal(said.length, 1);
  assert.match(said[0], new RegExp(`pid ${pid}, which is no longer running; taking it over`));
  lock.release();
});

test('an empty lock file (its taker killed between create and write) is taken over', () => {
  const out = tempDir('lock');
  fs.writeFileSync(path.join(out, 'run.lock'), '');
  const said: string[] = [];
  const lock = RunLock.acquire(out, 'run', 'sample x', (m) => said.push(m));
  assert.equal(ownerOf(lock.file).command, 'sample x');
  assert.match(said[0], /killed while taking it/);
  lock.release();
});

test('a lock held by a live process, or by any process on another host, is refused and left in place', async () => {
  const out = tempDir('lock');
  const file = path.join(out, 'run.lock');
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  try {
    const held = { pid: sleeper.pid!, host: os.hostname(), command: 'dedup x', started_at: '2026-01-01T00:00:00Z' };
    fs.writeFileSync(file, JSON.stringify(held));
    assert.throws(() => RunLock.acquire(out, 'run', 'dedup x', ignore), (e: Error) => e instanceof RunLockError && e.message.includes(`pid ${sleeper.pid}`) && /wait for it to finish or stop it/.test(e.message));
    assert.deepEqual(ownerOf(file), held);
  } finally {
    sleeper.kill();
    await once(sleeper, 'exit');
  }
  // A pid on another machine cannot be checked from here, dead or alive.
  const remote = { pid: deadPid(), host: `${os.hostname()}-other`, command: 'fit x', started_at: '2026-01-01T00:00:00Z' };
  fs.writeFileSync(file, JSON.stringify(remote));
  assert.throws(() => RunLock.acquire(out, 'run', 'fit x', ignore), (e: Error) => e instanceof RunLockError && e.message.includes(remote.host) && e.message.includes(`delete ${file}`));
  assert.deepEqual(ownerOf(file), remote);
});

test('processes that race for one scope: exactly one takes it', async () => {
  const out = tempDir('lock');
  const lockUrl = new URL(`file://${path.join(REPO, 'dist/operators/store/run-lock.js')}`).href;
  // Each process says "ready", waits for "go", tries once, says how it went and holds on until stdin closes.
  const child = `
    import { createInterface } from 'node:readline';
    const { RunLock } = await import(${JSON.stringify(lockUrl)});
    const lines = createInterface({ input: process.stdin });
    console.log('ready');
    for await (const line of lines) {
      if (line !== 'go') continue;
      try { RunLock.acquire(${JSON.stringify(out)}, 'run', 'run ' + process.pid, () => {}); console.log('took'); }
      catch (e) { console.log(e.constructor.name); }
    }`;
  const n = 4;
  const kids = Array.from({ length: n }, () => spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['pipe', 'pipe', 'inherit'] }));
  const replies = kids.map((kid) => createInterface({ input: kid.stdout! })[Symbol.asyncIterator]());
  // Every process is up before any tries, so the tries overlap.
  assert.deepEqual(await Promise.all(replies.map(async (r) => (await r.next()).value)), Array(n).fill('ready'));
  for (const kid of kids) kid.stdin!.write('go\n');
  const results = await Promise.all(replies.map(async (r) => (await r.next()).value as string));
  try {
    assert.equal(results.filter((r) => r === 'took').length, 1, results.join(', '));
    assert.equal(results.filter((r) => r === 'RunLockError').length, n - 1, results.join(', '));
    const winner = kids[results.indexOf('took')];
    assert.equal(ownerOf(path.join(out, 'run.lock')).pid, winner.pid);
  } finally {
    for (const kid of kids) kid.stdin!.end();
    await Promise.all(kids.map((k) => (k.exitCode === null ? once(k, 'exit') : null)));
  }
});
