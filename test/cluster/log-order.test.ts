import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoggedEvent } from '../../src/core/types.ts';
import { LogOrder } from '../../src/cluster/log-order.ts';

const ev = (seq: number, userId = 'ann'): LoggedEvent => ({ seq, id: `e${seq}`, userId, videoId: 'v1', type: 'play', ts: seq, watchMs: 1 });

function recorder(from = 0) {
  const seen: string[] = [];
  const order = new LogOrder(from, {
    apply: (e) => void seen.push(`${e.userId}@${e.seq}`),
    reset: (userId) => void seen.push(`reset ${userId}`),
    forget: (userId) => void seen.push(`forget ${userId}`),
  });
  return { order, seen };
}

test('LogOrder: each event once, in order; a redelivered or replayed one is dropped', async () => {
  const { order, seen } = recorder(2);
  for (const seq of [1, 2, 3, 3, 5, 4, 6]) await order.event(ev(seq));
  assert.deepEqual(seen, ['ann@3', 'ann@5', 'ann@6']);
  assert.equal(order.appliedSeq, 6);
});

test('LogOrder: a refresh applies where it happened in the log, never before events that preceded it', async () => {
  const { order, seen } = recorder();
  await order.event(ev(1));
  order.reset('ann', 3); // recorded when the log was at 3; this node has applied only 1
  await order.event(ev(2));
  await order.event(ev(3, 'bob'));
  await order.event(ev(3));
  await order.event(ev(4));
  order.reset('bob', 4); // this node is at 4 already: now
  assert.deepEqual(seen, ['ann@1', 'ann@2', 'bob@3', 'reset ann', 'ann@4', 'reset bob']);
});

test("LogOrder: an erased person's events still on their way are dropped, later ones are learned", async () => {
  const { order, seen } = recorder();
  await order.event(ev(1));
  order.reset('ann', 9);
  order.erase('ann', 5); // the log was at 5 when the erasure came
  await order.event(ev(2));
  await order.event(ev(3, 'bob'));
  await order.event(ev(6)); // the person came back after the erasure
  await order.event(ev(10)); // no refresh left over from before the erasure
  assert.deepEqual(seen, ['ann@1', 'forget ann', 'bob@3', 'ann@6', 'ann@10']);
});
