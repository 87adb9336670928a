/**
 * NatsEventLog.append on the real local JetStream: a batch's publishes are pipelined, so these
 * check what pipelining must not change: a person's order, duplicates stored once, and a batch that fails
 * part-way reporting each event's own outcome and leaving nothing a retry would lose.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DiscardPolicy } from '@nats-io/jetstream';
import type { AppendOutcome, SealedEvent } from '../../src/log/event-log.ts';
import { NatsEventLog } from '../../src/log/nats/nats-event-log.ts';
import { PartialAppendError } from '../../src/log/partial-append-error.ts';
import { freshNatsUrl, natsMissing } from '../support/services.ts';

const skip = await natsMissing();

const event = (id: string, userId: string, sealed = Buffer.from(`sealed ${id}`).toString('base64')): SealedEvent => ({ id, userId, sealed });
const statuses = (outcomes: readonly { status: string }[]) => outcomes.map((o) => o.status);
const seqOf = (o: AppendOutcome) => (o.status === 'stored' ? o.seq : Number.NaN);
const pastWindow = () => new Promise((resolve) => setTimeout(resolve, 1200));

/** The PartialAppendError `append` throws, failing the test if it resolves or throws anything else. */
async function partialFailure(appending: Promise<unknown>): Promise<PartialAppendError> {
  const err = await appending.then(
    () => assert.fail('the append should have failed part-way'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof PartialAppendError, `not a PartialAppendError: ${String(err)}`);
  return err;
}

test("NatsEventLog: a pipelined batch keeps each person's events in batch order, beside a concurrent batch", { skip }, async () => {
  const log = await NatsEventLog.open(freshNatsUrl());
  try {
    const people = ['ann', 'bob', 'cyd', 'dee', 'eve'];
    // Each person's events interleaved with everyone else's, as a batch from many devices arrives.
    const batch = (prefix: string) => Array.from({ length: 1500 }, (_, i) => event(`${prefix}${i}`, people[(i * 7 + (i >> 3)) % people.length]!));
    const first = batch('a');
    const second = batch('b');
    const [firstOutcomes, secondOutcomes] = await Promise.all([log.append(first), log.append(second)]);
    for (const outcomes of [firstOutcomes, secondOutcomes]) {
      assert.ok(outcomes.every((o) => o.status === 'stored'));
      const seqs = outcomes.map(seqOf);
      assert.ok(
        seqs.every((s, i) => i === 0 || s > seqs[i - 1]!),
        'a batch is stored in its own order',
      );
    }
    for (const person of people) {
      const read = (await log.readByUser(person)).map((e) => e.id);
      const mine = (events: SealedEvent[]) => events.filter((e) => e.userId === person).map((e) => e.id);
      assert.deepEqual(
        read.filter((id) => id.startsWith('a')),
        mine(first),
        `${person}'s events of the first batch`,
      );
      assert.deepEqual(
        read.filter((id) => id.startsWith('b')),
        mine(second),
        `${person}'s events of the second batch`,
      );
    }
    assert.equal(await log.count(), 3000);
  } finally {
    await log.close();
  }
});

test('NatsEventLog: duplicates inside a batch, across concurrent batches and past the window are stored once', { skip }, async () => {
  const url = freshNatsUrl('shards=2&dedupWindowS=1');
  const [one, two] = await Promise.all([NatsEventLog.open(url), NatsEventLog.open(url)]);
  try {
    const [a, b, c] = [event('a', 'ann'), event('b', 'bob'), event('c', 'ann')];
    assert.deepEqual(statuses(await one.append([a, b, a, c, b])), ['stored', 'stored', 'duplicate', 'stored', 'duplicate']);
    assert.deepEqual(statuses(await one.append([c, event('d', 'bob'), a])), ['duplicate', 'stored', 'duplicate']);

    // The same fresh events from two connections at once: either connection's claim may land first.
    const shared = Array.from({ length: 400 }, (_, i) => event(`s${i}`, `p${i % 9}`));
    const [fromOne, fromTwo] = await Promise.all([one.append(shared), two.append(shared)]);
    const stored = shared.map((_, i) => [fromOne[i]!, fromTwo[i]!].filter((o) => o.status === 'stored'));
    assert.ok(
      stored.every((s) => s.length === 1),
      'each shared event is reported stored exactly once',
    );
    assert.equal(await one.count(), 4 + shared.length);
    const bySeq = new Map((await one.readAfter(0, 1000)).map((e) => [e.seq, e.id]));
    assert.deepEqual(
      stored.map((s) => bySeq.get(seqOf(s[0]!))),
      shared.map((e) => e.id),
      'each reported sequence holds its event',
    );

    // Past the window JetStream forgets the message ids: the claims catch the resends, from both connections.
    await pastWindow();
    const [lateOne, lateTwo] = await Promise.all([one.append([...shared, a]), two.append([b, ...shared])]);
    assert.ok([...lateOne, ...lateTwo].every((o) => o.status === 'duplicate'));
    assert.equal(await one.count(), 4 + shared.length);
    assert.deepEqual(new Map((await one.readAfter(0, 1000)).map((e) => [e.seq, e.id])), bySeq, 'the first copies are the ones kept');
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('NatsEventLog: the same fresh batch from two connections at once, round after round, keeps every event readable', { skip }, async () => {
  // Either connection's region copy may be the one the kept order message places, whichever acknowledgement
  // was the duplicate; many rounds make each interleaving likely.
  for (let round = 0; round < 12; round++) {
    const url = freshNatsUrl('shards=2&dedupWindowS=1');
    const [one, two] = await Promise.all([NatsEventLog.open(url), NatsEventLog.open(url)]);
    try {
      const shared = Array.from({ length: 400 }, (_, i) => event(`r${i}`, `p${i % 9}`));
      await Promise.all([one.append(shared), two.append(shared)]);
      assert.equal(await one.count(), shared.length, `round ${round}: every event is stored once`);
      assert.deepEqual(
        (await two.readAfter(0, 1000)).map((e) => e.id),
        shared.map((e) => e.id),
        `round ${round}: every event is read, in order`,
      );
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }
});

test("NatsEventLog: an event JetStream refuses mid-batch fails alone, and the others keep their person's order", { skip }, async () => {
  const log = await NatsEventLog.open(freshNatsUrl());
  try {
    await log.append([event('first', 'cyd')]); // creates the region's stream
    await log.jsm.streams.update(log.subjects.regionStream('local'), { max_msg_size: 1024 });
    const batch = Array.from({ length: 9 }, (_, i) => event(`m${i}`, i % 2 === 0 ? 'ann' : 'bob', i === 4 ? 'x'.repeat(4096) : undefined));
    const err = await partialFailure(log.append(batch));
    assert.deepEqual(statuses(err.outcomes), ['stored', 'stored', 'stored', 'stored', 'failed', 'stored', 'stored', 'stored', 'stored']);
    assert.match(String((err.outcomes[4] as { error: Error }).error.message), /message size exceeds maximum/);
    assert.match(err.message, /1 of 9 events could not be appended .* appending the batch again is safe/);
    assert.deepEqual(
      (await log.readByUser('ann')).map((e) => e.id),
      ['m0', 'm2', 'm6', 'm8'],
    );
    assert.deepEqual(
      (await log.readByUser('bob')).map((e) => e.id),
      ['m1', 'm3', 'm5', 'm7'],
    );
    // The retry reports what the first attempt stored as duplicates and stores the rest once.
    const retry = await log.append(batch.map((e, i) => (i === 4 ? event('m4', 'ann') : e)));
    assert.deepEqual(statuses(retry), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'stored', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    assert.equal(await log.count(), 10);
  } finally {
    await log.close();
  }
});

test('NatsEventLog: events whose order JetStream refused are not in the log until the retry orders them, and a later resend is a duplicate', {
  skip,
}, async () => {
  const log = await NatsEventLog.open(freshNatsUrl('shards=2&dedupWindowS=1'));
  try {
    // The order stream takes 5 messages and refuses the others: those events are in their region, not in the log.
    await log.jsm.streams.update(log.subjects.stream, { max_msgs: 5, discard: DiscardPolicy.New });
    const batch = Array.from({ length: 12 }, (_, i) => event(`c${i}`, `p${i % 3}`));
    const err = await partialFailure(log.append(batch));
    assert.deepEqual(statuses(err.outcomes), [...Array(5).fill('stored'), ...Array(7).fill('failed')], 'a batch is ordered in its own order');
    assert.deepEqual(
      (await log.readAfter(0, 100)).map((e) => e.id),
      batch.slice(0, 5).map((e) => e.id),
    );

    await log.jsm.streams.update(log.subjects.stream, { max_msgs: -1, discard: DiscardPolicy.Old });
    assert.deepEqual(statuses(await log.append(batch)), [...Array(5).fill('duplicate'), ...Array(7).fill('stored')], 'the retry orders what failed');
    assert.equal(await log.count(), 12, 'from the copies the first attempt stored in the region');

    await pastWindow();
    assert.ok((await log.append(batch)).every((o) => o.status === 'duplicate'));
    assert.equal(await log.count(), 12, 'the resend past the window left no copy');
    assert.deepEqual(
      (await log.readAfter(0, 100)).map((e) => e.id),
      batch.map((e) => e.id),
    );
  } finally {
    await log.close();
  }
});
