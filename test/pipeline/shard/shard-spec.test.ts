import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShardSpecError, parseShard, resolveShard } from '../../../pipeline/shard/shard-spec.js';

test('--shard I/N: parsed, 0-based, out of range refused', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  assert.deepEqual(parseShard(' 0 / 1 '), { index: 0, count: 1 });
  assert.throws(() => parseShard('4/4'), /shard 4 does not exist among 4 \(shards are numbered 0 to 3\)/);
  assert.throws(() => parseShard('1/0'), /at least 1/);
  assert.throws(() => parseShard('2of4'), /expects I\/N/);
  assert.throws(() => parseShard('-1/4'), /expects I\/N/);
});

test('--shard wins over the environment; --num-shards must agree with it', () => {
  assert.deepEqual(resolveShard({ shard: '1/3' }, { SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '8' }), { index: 1, count: 3 });
  assert.deepEqual(resolveShard({ shard: '1/3', numShards: '3' }, {}), { index: 1, count: 3 });
  assert.throws(() => resolveShard({ shard: '1/3', numShards: '4' }, {}), /disagree/);
});

test('Slurm: count, or min/max (index − min of max − min + 1), or --num-shards', () => {
  assert.deepEqual(resolveShard({}, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' }), { index: 3, count: 4 });
  // sbatch --array=1-4: ids 1..4 are shards 0..3.
  assert.deepEqual(resolveShard({}, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4', SLURM_ARRAY_TASK_COUNT: '4' }), { index: 0, count: 4 });
  assert.deepEqual(resolveShard({}, { SLURM_ARRAY_TASK_ID: '14', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_MAX: '15' }), { index: 4, count: 6 });
  assert.deepEqual(resolveShard({ numShards: '5' }, { SLURM_ARRAY_TASK_ID: '2' }), { index: 2, count: 5 });
  assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '2' }), (e: Error) => e instanceof ShardSpecError && /add --num-shards N/.test(e.message));
  assert.throws(() => resolveShard({}, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4' }), /shard 4 does not exist among 4/);
});

test('Kubernetes and AWS Batch indices need --num-shards, and the error says so', () => {
  assert.deepEqual(resolveShard({ numShards: '4' }, { JOB_COMPLETION_INDEX: '3' }), { index: 3, count: 4 });
  assert.deepEqual(resolveShard({ numShards: '2' }, { AWS_BATCH_JOB_ARRAY_INDEX: '0' }), { index: 0, count: 2 });
  assert.throws(() => resolveShard({}, { JOB_COMPLETION_INDEX: '1' }), /JOB_COMPLETION_INDEX is set .*add --num-shards N/);
  assert.throws(() => resolveShard({}, { AWS_BATCH_JOB_ARRAY_INDEX: '1' }), /AWS_BATCH_JOB_ARRAY_INDEX is set .*add --num-shards N/);
  assert.throws(() => resolveShard({ numShards: '4' }, { JOB_COMPLETION_INDEX: 'x' }), /whole number/);
});

test('nothing given: not sharded; --num-shards alone is an error', () => {
  assert.equal(resolveShard({}, {}), null);
  assert.equal(resolveShard({}, { SLURM_ARRAY_TASK_ID: '' }), null);
  assert.throws(() => resolveShard({ numShards: '4' }, {}), /no shard index/);
});
