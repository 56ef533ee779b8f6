import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseReporter, type ProgressEvent } from '../../../core/util/progress-event.js';

test('phaseReporter tags each step with its phase and passes done and total through, null total included', () => {
  const events: ProgressEvent[] = [];
  const knn = phaseReporter((e) => events.push(e), 'knn');
  const sgd = phaseReporter((e) => events.push(e), 'sgd');
  knn!(3, 10);
  sgd!(1, null);
  knn!(10, 10);
  assert.deepEqual(events, [
    { phase: 'knn', done: 3, total: 10 },
    { phase: 'sgd', done: 1, total: null },
    { phase: 'knn', done: 10, total: 10 },
  ]);
});

test('without a receiver there is no step function, so a core loop can skip reporting', () => {
  assert.equal(phaseReporter(undefined, 'knn'), undefined);
});
