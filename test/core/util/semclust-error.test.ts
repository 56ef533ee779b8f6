import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SemclustError, UsageError } from '../../../core/util/semclust-error.js';
import { RejectRateError } from '../../../operators/input/reject-counter.js';
import { RunLockError } from '../../../operators/store/run-lock.js';
import { BadResponseError } from '../../../operators/http/openai-client.js';
import { SettingsError } from '../../../pipeline/settings/settings.js';
import { ShardSpecError } from '../../../pipeline/shard/shard-spec.js';
import { ShardsIncomplete } from '../../../pipeline/shard/shard-check.js';
import { LaunchUsageError } from '../../../pipeline/launch/job.js';

test('a SemclustError keeps its message, hint and cause; failed work exits 1, usage 2', () => {
  const cause = new Error('ENOSPC');
  const e = new SemclustError('out/run: disk full', { hint: 'free space and rerun', cause });
  assert.deepEqual([e.message, e.hint, e.cause, e.exitCode], ['out/run: disk full', 'free space and rerun', cause, 1]);
  assert.ok(e instanceof Error);
  const u = new UsageError('unknown command "fitt"');
  assert.deepEqual([u.exitCode, u.hint, 'cause' in u], [2, undefined, false]);
});

test('every error class of the layers is a SemclustError with the exit status the command line returned before', () => {
  for (const E of [SettingsError, ShardSpecError, LaunchUsageError]) {
    const e = new E('x');
    assert.ok(e instanceof UsageError, E.name);
    assert.equal(e.exitCode, 2, E.name);
  }
  for (const E of [RunLockError, RejectRateError, ShardsIncomplete, BadResponseError]) {
    const e = new E('x');
    assert.ok(e instanceof SemclustError && !(e instanceof UsageError), E.name);
    assert.equal(e.exitCode, 1, E.name);
  }
});
