import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLearnerShard, shardFilter } from '../../src/cluster/learner-shard.ts';
import { LogSubjects, shardOf } from '../../src/log/nats/subjects.ts';

test('learner shards: i/N parsed, anything else refused saying what is expected', () => {
  assert.deepEqual(parseLearnerShard('1/4'), { index: 1, count: 4 });
  assert.deepEqual(parseLearnerShard('0/1'), { index: 0, count: 1 });
  for (const bad of ['4/4', '0/0', '-1/2', '1', '1/2/3', 'a/b', ' 0/2']) {
    assert.throws(() => parseLearnerShard(bad), { message: `--shard ${bad}: expected i/N with 0 <= i < N (e.g. 0/2)` }, bad);
  }
});

test("learner shards: a shard's filter is its partition's subjects, and its people are the partition's", () => {
  const subjects = new LogSubjects('s', 2);
  assert.equal(shardFilter({ index: 1, count: 2 }, subjects), 's.events.1.*');
  assert.equal(shardFilter({ index: 0, count: 1 }, subjects), 's.events.>', 'one learner takes the whole log');
  for (const userId of ['ana', 'bo', 'cy', 'dee', 'eli']) {
    const key = subjects.eventKey(`${userId}-1`);
    assert.equal(subjects.eventSubjects('eu', userId, key).ordered, `s.events.${shardOf(userId, 2)}.${key}`, userId);
  }
  assert.throws(
    () => shardFilter({ index: 0, count: 4 }, subjects),
    /--shard 0\/4: the log s has 2 partitions, so learner shards are i\/2 \(or one learner for the whole log\)/,
  );
});
