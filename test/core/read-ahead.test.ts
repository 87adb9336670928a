import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAhead } from '../../src/core/read-ahead.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function* items(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) yield i;
}

test('readAhead: results in source order, their work overlapped up to the window', async () => {
  let inFlight = 0;
  let most = 0;
  // Later items finish first: only order-keeping gives 0..19.
  const start = async (i: number) => {
    most = Math.max(most, ++inFlight);
    await sleep(20 - i);
    inFlight--;
    return i * 10;
  };
  const seen: number[] = [];
  for await (const { item, result } of readAhead(items(20), start, 8)) {
    assert.equal(await result, item * 10);
    seen.push(item);
  }
  assert.deepEqual(
    seen,
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.equal(most, 8, 'at most the window in flight, and the window used');
});

test('readAhead: an item is handed out without waiting for the next one to arrive', { timeout: 5000 }, async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  // The second item exists only once the first was handed out: waiting for it first would never end.
  async function* gated(): AsyncGenerator<number> {
    yield 0;
    await released;
    yield 1;
  }
  const handed: number[] = [];
  for await (const { item } of readAhead(gated(), async (i) => i, 4)) {
    handed.push(item);
    release();
  }
  assert.deepEqual(handed, [0, 1]);
});

test("readAhead: a failed item's error reaches the caller at that item, the others are still handed out", async () => {
  const outcomes: string[] = [];
  const start = async (i: number) => {
    if (i === 2) throw new Error('no such event');
    return i;
  };
  for await (const { result } of readAhead(items(5), start, 3)) outcomes.push(await result.then(String, (err: Error) => err.message));
  assert.deepEqual(outcomes, ['0', '1', 'no such event', '3', '4']);
});
