import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runPool } from '../../../operators/workers/worker-pool.js';
import { writeRpcWorker, type RpcWorkerData } from '../../support/rpc-worker.js';
import { tempDir } from '../../support/paths.js';

const url = writeRpcWorker();
type JobResult = { job: number; square: number; thread: number };

test('every job runs once, its result handed back with it, on at most `workers` threads, all closed at the end', async () => {
  const closeDir = tempDir('pool');
  const jobs = Array.from({ length: 40 }, (_, i) => i + 1);
  const seen = new Map<number, JobResult>();
  await runPool<number, JobResult>(url, { closeDir } satisfies RpcWorkerData, 3, 'job', jobs, (r, job) => {
    assert.equal(r.job, job);
    assert.ok(!seen.has(job), `job ${job} twice`);
    seen.set(job, r);
  });
  assert.deepEqual([...seen.keys()].sort((a, b) => a - b), jobs);
  for (const [job, r] of seen) assert.equal(r.square, job * job);
  const threads = new Set([...seen.values()].map((r) => r.thread));
  assert.ok(threads.size >= 1 && threads.size <= 3, `${threads.size} threads`);
  assert.equal(fs.readdirSync(closeDir).length, 3, 'each of the 3 workers ran its close method');
});

test('no more workers than jobs, and none for no jobs', async () => {
  const closeDir = tempDir('pool');
  await runPool<number, JobResult>(url, { closeDir }, 8, 'job', [5, 6], () => {});
  assert.equal(fs.readdirSync(closeDir).length, 2);
  const none = tempDir('pool');
  let called = 0;
  await runPool<number, JobResult>(url, { closeDir: none }, 4, 'job', [], () => called++);
  assert.equal(called, 0);
  assert.deepEqual(fs.readdirSync(none), []);
});

test('the first failure stops handing out jobs, closes every worker and is thrown with the worker\'s stack', async () => {
  const closeDir = tempDir('pool');
  const jobs = Array.from({ length: 200 }, (_, i) => i);
  const done: number[] = [];
  await assert.rejects(
    runPool<number, JobResult>(url, { closeDir, failOn: 3 } satisfies RpcWorkerData, 2, 'job', jobs, (_r, job) => done.push(job)),
    (e: Error) => e.message === 'job 3 failed' && /test-rpc-worker\.mjs/.test(e.stack!),
  );
  assert.ok(!done.includes(3));
  // One worker may finish the job it holds when the other fails; none takes a new one after.
  assert.ok(done.length < 20, `${done.length} jobs finished after job 3 failed`);
  assert.equal(fs.readdirSync(closeDir).length, 2, 'both workers closed, not left running');
});

test('a worker whose init fails fails the pool with its message', async () => {
  await assert.rejects(runPool(url, { failInit: 'no GPU here' } satisfies RpcWorkerData, 2, 'job', [1, 2, 3], () => {}), { message: 'no GPU here' });
});
