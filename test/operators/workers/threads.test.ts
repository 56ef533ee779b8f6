import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { concurrentSessions, keywordWorkers, machineCores, sessionThreads, shardCores, workerPool } from '../../../operators/workers/threads.js';

const CORES = [1, 2, 3, 4, 8, 16, 64];
const THREADS = [1, 2, 3, 5, 8, 32];
const JOBS = [0, 1, 2, 3, 7, 100];

test('the machine is the process’s available cores', () => {
  assert.equal(machineCores(), availableParallelism());
  assert.ok(machineCores() >= 1);
});

test('a session in a serial loop gets T threads, or 1 left out', () => {
  assert.equal(sessionThreads(undefined), 1);
  for (const t of THREADS) assert.equal(sessionThreads(t), t);
});

test('a pool given T: every worker T threads, workers × T within the cores, at least one worker, no more workers than jobs', () => {
  for (const cores of CORES)
    for (const t of THREADS)
      for (const jobs of JOBS) {
        const p = workerPool(jobs, t, cores);
        const at = `cores ${cores}, T ${t}, jobs ${jobs}`;
        assert.equal(p.threads, t, at);
        assert.ok(p.workers >= 1, at);
        assert.ok(p.workers <= Math.max(1, jobs), at);
        if (t <= cores) assert.ok(p.workers * t <= cores, at);
        else assert.equal(p.workers, 1, `${at}: T above the cores still runs one worker`);
        // Nothing left idle: one more worker would overrun the cores, or there is no job for it.
        if (jobs > p.workers) assert.ok((p.workers + 1) * t > cores, at);
      }
});

test('a pool left out: one worker per job up to the cores, the spare cores shared out as threads', () => {
  for (const cores of CORES)
    for (const jobs of JOBS) {
      const p = workerPool(jobs, undefined, cores);
      const at = `cores ${cores}, jobs ${jobs}`;
      assert.equal(p.workers, Math.max(1, Math.min(jobs, cores)), at);
      assert.ok(p.workers * p.threads <= cores, at);
      assert.ok(p.workers * (p.threads + 1) > cores, `${at}: a thread more each would overrun the cores`);
    }
  // Two parts on 8 cores: two workers of four threads, rather than two workers of one.
  assert.deepEqual(workerPool(2, undefined, 8), { workers: 2, threads: 4 });
});

test('a pool defaults to the machine’s cores', () => {
  assert.deepEqual(workerPool(1000, undefined), workerPool(1000, undefined, machineCores()));
  assert.deepEqual(workerPool(1000, 1), workerPool(1000, 1, machineCores()));
});

test('a shard’s T is its cores in all; left out, the machine’s', () => {
  for (const t of THREADS) assert.equal(shardCores(t, 64), t);
  assert.equal(shardCores(undefined, 64), 64);
  assert.equal(shardCores(undefined), machineCores());
  // Shard given 4 on a machine of any size, 100 parts: four single-threaded workers.
  assert.deepEqual(workerPool(100, undefined, shardCores(4, 64)), { workers: 4, threads: 1 });
});

test('sessions in flight: one per core up to 4 left out, cores / T up to 4 given T, never none', () => {
  for (const cores of CORES) {
    assert.equal(concurrentSessions(undefined, cores), Math.min(4, cores), `cores ${cores}`);
    for (const t of THREADS) {
      const n = concurrentSessions(t, cores);
      const at = `cores ${cores}, T ${t}`;
      assert.ok(n >= 1 && n <= 4, at);
      if (t <= cores) assert.ok(n * t <= cores, at);
      if (n < 4) assert.ok((n + 1) * t > cores, `${at}: room for another session`);
    }
  }
  assert.equal(concurrentSessions(undefined), Math.min(4, machineCores()));
});

test('keywords take cores / T worker threads up to 4, none (the main thread) when that is under 2', () => {
  for (const cores of CORES) {
    assert.equal(keywordWorkers(undefined, cores), cores >= 2 ? Math.min(4, cores) : 0, `cores ${cores}`);
    for (const t of THREADS) {
      const n = keywordWorkers(t, cores);
      const at = `cores ${cores}, T ${t}`;
      if (2 * t > cores) assert.equal(n, 0, at);
      else assert.ok(n >= 2 && n <= 4 && n * t <= cores, at);
    }
  }
  assert.equal(keywordWorkers(undefined), machineCores() >= 2 ? Math.min(4, machineCores()) : 0);
});
