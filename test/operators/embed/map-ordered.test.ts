import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapOrdered } from '../../../operators/embed/map-ordered.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('results come out in input order however the calls finish', async () => {
  async function* source() {
    for (let i = 0; i < 12; i++) yield i;
  }
  const out: number[] = [];
  // Later items finish first within each window.
  for await (const v of mapOrdered(source(), 4, async (i) => (await sleep(((12 - i) % 5) * 3), i * 10))) out.push(v);
  assert.deepEqual(out, Array.from({ length: 12 }, (_, i) => i * 10));
});

test('no more than `width` calls run at once, and the source is pulled only that far ahead', async () => {
  let pulled = 0;
  let running = 0;
  let most = 0;
  async function* source() {
    for (let i = 0; i < 20; i++) {
      pulled++;
      yield i;
    }
  }
  let consumed = 0;
  for await (const _ of mapOrdered(source(), 3, async (i) => {
    running++;
    most = Math.max(most, running);
    await sleep(i % 2 ? 1 : 4);
    running--;
    return i;
  })) {
    void _;
    consumed++;
    assert.ok(pulled - consumed <= 3, `pulled ${pulled} with ${consumed} consumed`);
  }
  assert.equal(consumed, 20);
  assert.equal(most, 3);
});

test('a failure is raised at its place in the order, after the results before it, and is not reported as unhandled', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    async function* source() {
      for (let i = 0; i < 6; i++) yield i;
    }
    const out: number[] = [];
    await assert.rejects(async () => {
      // Item 2 fails at once while items 0 and 1 are still running.
      for await (const v of mapOrdered(source(), 4, async (i) => {
        if (i === 2) throw new Error('item 2 failed');
        await sleep(20);
        return i;
      })) out.push(v);
    }, /item 2 failed/);
    assert.deepEqual(out, [0, 1]);
    await sleep(30);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
