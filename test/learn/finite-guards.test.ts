/**
 * The learners take no non-finite number from any source: another replica's model delta, a snapshot, or a
 * step of their own that overflows float32. Each such update is dropped whole and counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../src/app/config.ts';
import { EngineLearning } from '../../src/app/learning.ts';
import { droppedUpdates, type DropSource } from '../../src/learn/online/finite.ts';
import { OnlineLearners } from '../../src/learn/online/learners.ts';
import { behave, makeWorld } from './tiny-world.ts';

const reports: string[] = [];
droppedUpdates.report = (message) => reports.push(message);
const dropped = (source: DropSource) => droppedUpdates.bySource().get(source) ?? 0;
const residency = { regions: ['us'], regionOf: () => 'us' };

function trained(): { learning: EngineLearning; world: ReturnType<typeof makeWorld> } {
  const world = makeWorld(10);
  const learning = new EngineLearning(resolveConfig({}), (id) => world.byId.get(id), residency);
  for (const v of world.videos) learning.putVideo(v);
  for (const e of behave(world, 10, 600)) learning.observe(e, world.byId.get(e.videoId)!);
  return { learning, world };
}

test("a model delta holding a NaN or an infinity is dropped whole: the receiver's state does not move", () => {
  const { learning: sender, world } = trained();
  sender.deltas.record();
  for (const e of behave(world, 10, 200, 5)) sender.observe(e, world.byId.get(e.videoId)!);
  const { learning: receiver } = trained();
  const before = receiver.learners.snapshot();
  const delta = sender.deltas.take();
  assert.ok(delta.rows.length > 0 && delta.counters.length > 0);
  const poisons: Array<[(n: number) => void, () => void]> = [
    [(n) => (delta.rows[0]!.increment[0] = n), () => (delta.rows[0]!.increment[0] = 0)],
    [(n) => (delta.rows[0]!.value[1] = n), () => (delta.rows[0]!.value[1] = 0)],
    [(n) => (delta.counters[0]!.values[0] = n), () => (delta.counters[0]!.values[0] = 0)],
    [(n) => (delta.swing[0] ? (delta.swing[0].amount = n) : (delta.clock = n)), () => (delta.swing[0] ? (delta.swing[0].amount = 0) : (delta.clock = 0))],
  ];
  for (const [poison, heal] of poisons) {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY]) {
      poison(n);
      const count = dropped('model delta');
      receiver.deltas.apply(delta, () => false);
      assert.equal(dropped('model delta'), count + 1);
      heal();
    }
  }
  assert.equal(Buffer.compare(receiver.learners.snapshot(), before), 0, 'nothing of a dropped delta was taken');
  receiver.deltas.apply(delta, () => false);
  assert.notEqual(Buffer.compare(receiver.learners.snapshot(), before), 0, 'the same delta, finite, is taken');
});

test('a delta whose increments would overflow float32 when added is dropped', () => {
  const { learning: sender, world } = trained();
  sender.deltas.record();
  for (const e of behave(world, 10, 200, 5)) sender.observe(e, world.byId.get(e.videoId)!);
  const delta = sender.deltas.take();
  const { learning: receiver } = trained();
  const { videoId } = delta.rows[0]!;
  delta.rows[0]!.increment.fill(3e38);
  const count = dropped('model delta');
  receiver.deltas.apply(delta, () => false);
  receiver.deltas.apply(delta, () => false);
  assert.equal(dropped('model delta'), count + 1, 'the first is finite once added; the second would overflow');
  const { videos } = receiver.learners.parts.factorization;
  assert.ok(videos.holdsFiniteOnly(), `video ${videoId}'s row stayed finite`);
});

test('a snapshot holding non-finite learners is refused when read', () => {
  const { learning } = trained();
  learning.learners.parts.factorization.projection[3] = Number.NaN;
  assert.throws(() => OnlineLearners.restore(learning.learners.snapshot()), { code: 'snapshot_not_finite' });
});

test("an SGD step that would bring a non-finite number in is not taken: one bad row does not spread to the videos'", () => {
  const { learning, world } = trained();
  const { users } = learning.learners.parts.factorization;
  const [userId, row] = [...users.entries()][0]!;
  users.vector(row)[0] = Number.POSITIVE_INFINITY;
  const count = dropped('sgd step');
  for (const v of world.videos.slice(0, 20))
    learning.observe({ id: `x-${v.id}`, seq: 10_000, userId, videoId: v.id, type: 'like', ts: learning.learners.now + 1 }, v);
  assert.ok(dropped('sgd step') > count);
  assert.ok(learning.learners.parts.factorization.videos.holdsFiniteOnly(), 'no item row took the overflow');
  assert.ok(learning.learners.parts.factorization.projection.every(Number.isFinite));
  assert.ok(reports.some((r) => r.includes('(sgd step;')));
});
