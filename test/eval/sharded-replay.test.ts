/**
 * The sharded replay behind bench:shard-quality: each shard learns only its partition's people, and with a
 * delta exchange after every event (no staleness at all) every replica holds one process's counters, all of
 * them, value for value; each person's embedding is their shard's on every replica.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/core/random.ts';
import type { TimedInteraction } from '../../src/eval/online-replay.ts';
import { replayThroughShards } from '../../src/eval/sharded-replay.ts';
import { shardOf } from '../../src/log/nats/subjects.ts';
import { videoCounters } from '../support/video-counters.ts';

function ratings(users: number, items: number, count: number): TimedInteraction[] {
  const random = seededRandom(4);
  return Array.from({ length: count }, (_, k) => ({
    user: Math.floor(random() * users),
    item: Math.floor(random() * items),
    ts: Date.UTC(2025, 0, 1) + k * 60_000,
    rating: 1 + Math.floor(random() * 5),
  }));
}

test('shards exchanging deltas after every event hold the counters of one process; each person is their shard’s everywhere', () => {
  const interactions = ratings(30, 50, 1500);
  const options = { itemCount: 50, tagsOf: (item: number) => [`genre-${item % 4}`], likeFrom: 4, seed: 1 };
  const one = replayThroughShards(interactions, { ...options, shards: 1, deltaEveryEvents: Infinity });
  const sharded = replayThroughShards(interactions, { ...options, shards: 3, deltaEveryEvents: 1 });
  assert.equal(sharded.events, one.events);
  assert.ok(one.events > interactions.length, 'high ratings also send a like');
  assert.equal(sharded.deltas, 3 * (sharded.events + 1));

  const expected = one.replicas[0]!.learners;
  const now = expected.now;
  const expectedCounters = videoCounters(expected, now);
  for (const [shard, replica] of sharded.replicas.entries()) {
    const learners = replica.learners;
    assert.equal(learners.eventCount, one.events, `replica ${shard} counts every event once`);
    const got = videoCounters(learners, now);
    for (const [videoId, values] of expectedCounters) {
      values.forEach((value, i) => {
        const mine = got.get(videoId)![i]!;
        assert.ok(Math.abs(mine - value) <= 1e-9 * Math.max(1, Math.abs(value)), `replica ${shard}, ${videoId} counter ${i}: ${mine}, one process ${value}`);
      });
    }
    for (const userId of new Set(interactions.map((e) => `u${e.user}`))) {
      assert.deepEqual(
        replica.about(userId).interestVector,
        sharded.replicas[shardOf(userId, 3)]!.about(userId).interestVector,
        `${userId} on replica ${shard}`,
      );
    }
  }
});
