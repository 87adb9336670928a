import assert from 'node:assert/strict';
import { constants, readdirSync, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { NatsEventLog } from '../../src/log/nats/nats-event-log.ts';
import { parseNatsUrl } from '../../src/log/nats/nats-url.ts';
import { shardOf } from '../../src/log/nats/subjects.ts';
import { freshNatsUrl, natsMissing } from '../support/services.ts';
import { until } from '../support/until.ts';
import { eventLogContract } from './event-log-contract.ts';

const skip = await natsMissing();

eventLogContract('NatsEventLog', {
  skip,
  open: async (place = freshNatsUrl()) => ({ log: await NatsEventLog.open(place), place }),
});

const play = (id: string, userId: string, sealed = 'c2VhbGVk') => ({ id, userId, sealed });

test('NatsEventLog: a resend after the de-duplication window is still a duplicate, and its copy is deleted', { skip }, async () => {
  const log = await NatsEventLog.open(freshNatsUrl('dedupWindowS=1'));
  try {
    assert.deepEqual(
      (await log.append([play('late', 'ann')])).map((o) => o.status),
      ['stored'],
    );
    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.deepEqual(
      (await log.append([play('late', 'ann'), play('fresh', 'ann')])).map((o) => o.status),
      ['duplicate', 'stored'],
    );
    assert.deepEqual(
      (await log.readByUser('ann')).map((e) => e.id),
      ['late', 'fresh'],
    );
    assert.equal(await log.count(), 2);
  } finally {
    await log.close();
  }
});

test("NatsEventLog: a person's events are kept in their region's stream, ordered on their shard's subject, and the shard count cannot change", {
  skip,
}, async () => {
  const url = freshNatsUrl('shards=3');
  const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
  const regionOf = (userId: string) => (Number(userId.slice(5)) % 2 === 0 ? 'eu' : 'us');
  const log = await NatsEventLog.open(url, { assign: regionOf, regionOf });
  try {
    const outcomes = await log.append(users.map((u, i) => play(`s${i}`, u, Buffer.from(`sealed for ${u}`).toString('base64'))));
    assert.ok(outcomes.every((o) => o.status === 'stored'));
    for (const region of ['eu', 'us']) {
      const stream = log.subjects.regionStream(region);
      const { state } = await log.jsm.streams.info(stream, { subjects_filter: log.subjects.regionSubjects(region) });
      const mine = users.filter((u) => regionOf(u) === region);
      assert.equal(state.messages, mine.length, `${stream} holds its region's events only`);
      for (const u of mine) assert.equal(state.subjects?.[log.subjects.userEvents(region, u)], 1);
      assert.ok(
        Object.keys(state.subjects ?? {}).every((s) => !s.includes('user-')),
        'a subject names a user',
      );
    }
    // The order stream says where each event is, by shard, and holds nothing of any event or person.
    const { state } = await log.jsm.streams.info(log.subjects.stream, { subjects_filter: log.subjects.allEvents });
    const perShard = [0, 1, 2].map((shard) => users.filter((u) => shardOf(u, 3) === shard).length);
    assert.ok(
      perShard.every((n) => n > 0),
      `users spread over shards: ${perShard}`,
    );
    const ordered = Object.keys(state.subjects ?? {});
    assert.deepEqual(
      [0, 1, 2].map((shard) => ordered.filter((subject) => subject.startsWith(`${log.subjects.stream}.events.${shard}.`)).length),
      perShard,
    );
    const placed = await log.jsm.streams.getMessage(log.subjects.stream, { seq: 1 });
    assert.match(placed!.string(), /^(eu|us) \d+$/);
    assert.deepEqual(
      (await log.readAfter(0, 100)).map((e) => e.userId),
      users,
      'read back in log order from both regions',
    );
    assert.equal(await log.count(), 30);
    await assert.rejects(NatsEventLog.open(url.replace('shards=3', 'shards=4')), /cannot change/);
  } finally {
    await log.close();
  }
});

test('NatsEventLog: a log of the earlier layout (ids claimed in a stream of their own) is refused, saying what to do', { skip }, async () => {
  const url = freshNatsUrl('shards=2');
  const log = await NatsEventLog.open(url);
  try {
    await log.jsm.streams.update(log.subjects.stream, { description: 'moteur event log; shards=2' });
    await assert.rejects(NatsEventLog.open(url), {
      message: `stream ${log.subjects.stream} holds a log of an earlier layout (its ids claimed in ${log.subjects.stream}_ids), which this version does not read: give the log a new stream name (?stream=NAME in its URL) and import the events again`,
    });
  } finally {
    await log.close();
  }
});

test('NatsEventLog: the URL is checked', () => {
  assert.deepEqual(parseNatsUrl('nats://a:4222,b:4222?stream=eu&shards=8').servers, ['a:4222', 'b:4222']);
  assert.throws(() => parseNatsUrl('nats://a?shards=0'), /shards=0: must be an integer from 1 to 1024/);
  assert.throws(() => parseNatsUrl('nats://a?stream=a.b'), /use letters, digits/);
  assert.throws(() => parseNatsUrl('http://a'), /a NATS URL reads nats:\/\//);
  assert.throws(() => parseNatsUrl('nats://a?shard=2'), /^Error: shard: not a parameter of a NATS log URL \(use stream, shards, dedupWindowS\)$/);
  assert.throws(() => parseNatsUrl('nats://a?idHorizonDays=30'), /idHorizonDays: no longer used/);
});

/** Files under `dir` (recursively) whose bytes contain `marker`. */
function filesHolding(dir: string, marker: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .filter((file) => readFileSync(file).includes(marker));
}

const storeDir = process.env.MOTEUR_TEST_NATS_STORE ?? '/var/lib/nats-server/jetstream';
const storeReadable = await access(storeDir, constants.R_OK).then(
  () => undefined,
  () => `JetStream's store directory ${storeDir} is not readable here (set MOTEUR_TEST_NATS_STORE)`,
);

test("NatsEventLog: an erased person's events are overwritten in JetStream's files", { skip: skip ?? storeReadable }, async () => {
  const url = freshNatsUrl();
  const log = await NatsEventLog.open(url);
  const streamDir = join(storeDir, '$G', 'streams', log.subjects.regionStream('local'));
  const marker = `MARKER-${process.pid}-c0ffee`;
  try {
    await log.append([play('m1', 'ann', marker), play('m2', 'ann', marker), play('k1', 'bob')]);
    // Unless the marker reaches the stream files, this test proves nothing.
    await until('the marker in the stream files', 5000, async () => (filesHolding(streamDir, marker).length > 0 ? true : undefined));
    assert.equal(await log.eraseUser('ann'), 2);
    await until("the erased person's events overwritten in the stream files", 5000, async () =>
      filesHolding(streamDir, marker).length === 0 ? true : undefined,
    );
    assert.deepEqual(
      (await log.readByUser('bob')).map((e) => e.id),
      ['k1'],
    );
    const order = await log.jsm.streams.info(log.subjects.stream);
    assert.equal(order.state.messages, 1, "the erased person's order messages, and the id claims they were, are gone");
  } finally {
    await log.close();
  }
});
