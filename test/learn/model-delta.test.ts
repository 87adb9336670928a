/**
 * Model deltas between two replicas that each learn the events of half the people (as two learner shards
 * do): after exchanging deltas, each replica's video counters equal a single process's that learned every
 * event, value for value, and each person's choices are known the same on both.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveConfig } from '../../src/app/config.ts';
import { EngineLearning } from '../../src/app/learning.ts';
import type { Video } from '../../src/core/types.ts';
import type { OnlineLearners } from '../../src/learn/online/learners.ts';
import { decodeDelta, encodeDelta } from '../../src/learn/online/model-delta.ts';
import { COUNTERS } from '../../src/learn/online/video-counters.ts';
import { shardOf } from '../../src/log/nats/subjects.ts';
import { videoCounters } from '../support/video-counters.ts';
import { behave, makeWorld } from './tiny-world.ts';

const residency = { regions: ['us'], regionOf: () => 'us' };

function replica(videos: readonly Video[], byId: Map<string, Video>): EngineLearning {
  const learning = new EngineLearning(resolveConfig({}), (id) => byId.get(id), residency);
  for (const v of videos) learning.putVideo(v);
  return learning;
}

/** Counters but relative watch (measured against each replica's estimate of its bucket's mean watch), as of `now`. */
const counters = (learners: OnlineLearners, now: number) =>
  videoCounters(
    learners,
    now,
    COUNTERS.filter((c) => c !== 'relativeWatch'),
  );

/** The person's positives kept for the item graph, by video id (slots differ between replicas). */
const keptPositives = (learners: OnlineLearners, userId: string) => learners.positiveSlots(userId).map((slot) => learners.videoAt(slot).id);

test('two replicas exchanging model deltas hold the exact counters of one process that learned every event', () => {
  const world = makeWorld();
  const events = behave(world, 40, 4000);
  const single = replica(world.videos, world.byId);
  for (const e of events) single.observe(e, world.byId.get(e.videoId)!);

  // Replica 1 is given the catalog in the opposite order: its slots differ, deltas name videos by id.
  const replicas = [replica(world.videos, world.byId), replica([...world.videos].reverse(), world.byId)];
  for (const r of replicas) r.deltas.record();
  const exchange = () => {
    const sent = replicas.map((r, shard) => encodeDelta({ shard, shards: 2, position: r.lastAppliedSeq, delta: r.deltas.take() }));
    sent.forEach((bytes, from) => {
      const { shard, delta } = decodeDelta(bytes);
      assert.equal(shard, from);
      replicas[1 - from]!.deltas.apply(delta, () => false);
    });
  };
  // Replica 1 lags: it learns its events in bursts, after replica 0's deltas of later events have arrived.
  const lagging: typeof events = [];
  const catchUp = () => lagging.splice(0).forEach((e) => replicas[1]!.observe(e, world.byId.get(e.videoId)!));
  events.forEach((e, i) => {
    if (shardOf(e.userId, 2) === 0) replicas[0]!.observe(e, world.byId.get(e.videoId)!);
    else lagging.push(e);
    if (i % 450 === 449) catchUp();
    if (i % 150 === 149) exchange();
  });
  catchUp();
  exchange();

  const expected = single.learners;
  const now = expected.now;
  for (const [shard, r] of replicas.entries()) {
    const learners = r.learners;
    assert.equal(learners.eventCount, events.length, `replica ${shard} counts every event once`);
    const got = counters(learners, now);
    for (const [videoId, values] of counters(expected, now)) {
      values.forEach((value, i) => {
        const mine = got.get(videoId)![i]!;
        assert.ok(Math.abs(mine - value) <= 1e-9 * Math.max(1, value), `replica ${shard}, ${videoId} counter ${i}: ${mine}, one process ${value}`);
      });
    }
    for (const userId of new Set(events.map((e) => e.userId))) {
      assert.deepEqual([...learners.follows(userId)].sort(), [...expected.follows(userId)].sort(), `${userId}'s follows on replica ${shard}`);
      assert.deepEqual([...learners.hidden(userId)].sort(), [...expected.hidden(userId)].sort(), `${userId}'s hidden keys on replica ${shard}`);
      assert.equal(r.about(userId).interestVector === null, replicas[shardOf(userId, 2)]!.about(userId).interestVector === null);
    }
  }
  // A person's embedding on the other replica is their own shard's, value for value.
  const someone = events.find((e) => replicas[shardOf(e.userId, 2)]!.about(e.userId).interestVector !== null)!.userId;
  assert.deepEqual(replicas[1 - shardOf(someone, 2)]!.about(someone).interestVector, replicas[shardOf(someone, 2)]!.about(someone).interestVector);
});

test("a person's positives kept beyond Swing's window (the item graph's) reach the other replica", () => {
  const world = makeWorld();
  // Four people with a thousand events each: far more positives than Swing's window of 30.
  const events = behave(world, 4, 4000).filter((e) => shardOf(e.userId, 2) === 0);
  const [learned, other] = [replica(world.videos, world.byId), replica([...world.videos].reverse(), world.byId)];
  learned.deltas.record();
  for (const e of events) learned.observe(e, world.byId.get(e.videoId)!);
  other.deltas.apply(decodeDelta(encodeDelta({ shard: 0, shards: 2, position: learned.lastAppliedSeq, delta: learned.deltas.take() })).delta, () => false);
  const someone = events[0]!.userId;
  const kept = keptPositives(learned.learners, someone);
  assert.ok(kept.length > 30, `${kept.length} positives kept`);
  assert.deepEqual(keptPositives(other.learners, someone), kept);
});

test('a model delta that is not one, or is cut short, is refused', () => {
  const world = makeWorld(2);
  const learning = replica(world.videos, world.byId);
  learning.deltas.record();
  for (const e of behave(world, 3, 50)) learning.observe(e, world.byId.get(e.videoId)!);
  const bytes = encodeDelta({ shard: 1, shards: 2, position: learning.lastAppliedSeq, delta: learning.deltas.take() });
  assert.equal(decodeDelta(bytes).position, learning.lastAppliedSeq);
  assert.throws(() => decodeDelta(bytes.subarray(0, bytes.length - 3)), /ends early/);
  assert.throws(() => decodeDelta(new TextEncoder().encode('{"not":"a delta"}')), /not a model delta/);
  assert.throws(() => decodeDelta(new Uint8Array([...bytes, 0])), /trailing bytes/);
});

test("a delta's size grows with its item entries, a few hundred bytes each, which the learner bounds", () => {
  const world = makeWorld();
  const events = behave(world, 40, 4000);
  const learning = replica(world.videos, world.byId);
  learning.deltas.record();
  assert.equal(learning.deltas.itemEntriesInNext, 0);
  for (const e of events) learning.observe(e, world.byId.get(e.videoId)!);
  const entries = learning.deltas.itemEntriesInNext;
  assert.ok(entries > 200, `entries: ${entries}`);
  const delta = learning.deltas.take();
  assert.equal(
    entries,
    new Set(delta.counters.map((c) => c.videoId)).size + delta.rows.length + delta.swing.length,
    'one entry per counter row, embedding row and Swing pair',
  );
  const itemBytes = encodeDelta({ shard: 0, shards: 1, position: 1, delta: { ...delta, people: [] } }).length;
  // 2,000 entries per delta (src/cluster/learner.ts) at this rate stay under JetStream's 1 MB message limit.
  assert.ok(itemBytes / entries < 450, `${itemBytes} bytes for ${entries} entries`);
  assert.equal(learning.deltas.itemEntriesInNext, 0, 'a new delta starts empty');
});
