import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pausesDuring, recordPauses } from '../../bench/lib/pauses.ts';

recordPauses();

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const nextTimer = () => new Promise((resolve) => setTimeout(resolve, 0));

test('a slow call that waited behind a timer callback is counted with the time the callback took', async () => {
  const start = performance.now();
  setTimeout(() => busyFor(30), 0);
  const callStart = performance.now();
  await nextTimer(); // the call awaits, and the timer above runs first
  const slow = { startMs: callStart, durationMs: performance.now() - callStart };
  const fast = { startMs: performance.now(), durationMs: 0.1 };
  const window = { startMs: start, durationMs: performance.now() - start };
  const found = await pausesDuring(window, [slow, fast], 10);
  assert.equal(found.slowCalls.count, 1, 'only the call above the threshold is slow');
  assert.equal(found.slowCalls.overlappingCallback, 1);
  assert.ok(found.slowCalls.callbackMsInside >= 30, JSON.stringify(found));
  assert.ok(found.callbacks.maxMs >= 30 && found.callbacks.count >= 2, JSON.stringify(found.callbacks));
});

test('garbage collection during a call is counted by kind, and nothing outside the window is', async () => {
  const callStart = performance.now();
  let keep: object[] = [];
  for (let i = 0; i < 3_000_000; i++) {
    keep.push({ i });
    if (keep.length > 100_000) keep = [];
  }
  const call = { startMs: callStart, durationMs: performance.now() - callStart };
  const found = await pausesDuring(call, [call], 0);
  assert.ok(found.gcPauses.count > 0 && (found.gcPauses.byKind.scavenge?.count ?? 0) > 0, JSON.stringify(found.gcPauses));
  assert.equal(found.slowCalls.overlappingGc, 1);
  assert.ok(found.slowCalls.gcMsInside > 0);
  const before = await pausesDuring({ startMs: 0, durationMs: 0 }, [], 0);
  assert.deepEqual(before.gcPauses, { count: 0, totalMs: 0, byKind: {} }, 'no pause is recorded before the process began');
});
