import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RejectCounter, RejectRateError } from '../../../operators/input/reject-counter.js';
import type { Reject, RejectReason } from '../../../operators/input/reject.js';

const reject = (line: number, reason: RejectReason): Reject => ({ source: 'in.jsonl', line, reason, detail: `detail ${line}` });

test('a bad start does not stop the run before 1,000 lines; the final check does', () => {
  const c = new RejectCounter(0.1, 'out/rejects.jsonl');
  c.add(10, [reject(1, 'invalid_json'), reject(2, 'invalid_json')]);
  c.check();
  assert.throws(() => c.check(true), RejectRateError);
});

test('above the rate the error gives the counts, reasons by frequency with their first place and hint, and the rejects file', () => {
  const c = new RejectCounter(0.05, 'out/rejects.jsonl');
  const bad = [
    ...Array.from({ length: 40 }, (_, i) => reject(100 + i, 'missing_key')),
    ...Array.from({ length: 15 }, (_, i) => reject(10 + i, 'empty_line')),
  ];
  c.add(1000, bad);
  assert.throws(
    () => c.check(),
    (e: Error) => {
      const lines = e.message.split('\n');
      assert.equal(lines[0], '55 of 1000 lines rejected (5.5%), above --max-reject-rate 0.05.');
      assert.match(lines[1], /^ {2}missing_key: 40 \(first at in\.jsonl:100: detail 100\) — check --text-key/);
      assert.match(lines[2], /^ {2}empty_line: 15 \(first at in\.jsonl:10: detail 10\)/);
      assert.match(lines[3], /out\/rejects\.jsonl/);
      return true;
    },
  );
  assert.deepEqual(c.byReason(), { missing_key: 40, empty_line: 15 });
});

test('exactly at the rate is allowed', () => {
  const c = new RejectCounter(0.01, 'r');
  c.add(2000, Array.from({ length: 20 }, (_, i) => reject(i + 1, 'empty_text')));
  c.check();
  c.check(true);
  c.add(1, [reject(2001, 'empty_text')]);
  assert.throws(() => c.check(), /21 of 2001 lines/);
});

test('a counter restored from a snapshot goes on counting where the last one stopped, first places kept', () => {
  const a = new RejectCounter(0.5, 'r');
  a.add(600, [reject(5, 'invalid_utf8'), reject(7, 'invalid_utf8'), reject(9, 'empty_line')]);
  const snap = JSON.parse(JSON.stringify(a.snapshot()));
  const b = new RejectCounter(0.001, 'r', snap);
  assert.equal(b.lines, 600);
  b.add(600, [reject(900, 'invalid_utf8')]);
  assert.deepEqual(b.byReason(), { invalid_utf8: 3, empty_line: 1 });
  assert.throws(() => b.check(), (e: Error) => e.message.startsWith('4 of 1200 lines rejected') && e.message.includes('invalid_utf8: 3 (first at in.jsonl:5'));
  assert.deepEqual(a.byReason(), { invalid_utf8: 2, empty_line: 1 }, 'the snapshot is a copy');
});
