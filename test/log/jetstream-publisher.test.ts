/**
 * JetStreamPublisher on the real local JetStream: acknowledgements reach their own publish however many are in
 * flight, JetStream's refusals arrive as its errors, and a publish nobody stores or answers fails rather than
 * hanging.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { JetStreamPublisher } from '../../src/log/nats/jetstream-publisher.ts';
import { NATS_URL, natsMissing } from '../support/services.ts';

const skip = await natsMissing();

test('JetStreamPublisher: each publish gets its own acknowledgement, in order, and JetStream refusals as its errors', { skip }, async () => {
  const nc = await connect({ servers: NATS_URL.replace('nats://', '') });
  const jsm = await jetstreamManager(nc);
  const stream = `moteur_test_publisher_${process.pid}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const publisher = new JetStreamPublisher(nc);
  try {
    const acks = await Promise.all(Array.from({ length: 300 }, (_, i) => publisher.publish(`${stream}.s${i % 7}`, String(i), { msgID: `m${i}` })));
    assert.deepEqual(
      acks.map((a) => a.seq),
      acks.map((_, i) => i + 1),
      'stored in the order published, each acknowledgement with its own sequence',
    );
    for (const [i, seq] of [
      [0, 1],
      [150, 151],
    ] as const) {
      const stored = await jsm.streams.getMessage(stream, { seq });
      assert.equal(stored?.string(), String(i));
    }
    const resent = await publisher.publish(`${stream}.s0`, '0', { msgID: 'm0' });
    assert.deepEqual([resent.seq, resent.duplicate], [1, true], 'a resend inside the window is the first copy');

    await publisher.publish(`${stream}.claim`, 'first', { expectEmptySubject: true });
    const refused = await publisher.publish(`${stream}.claim`, 'second', { expectEmptySubject: true }).catch((e: unknown) => e);
    assert.ok(refused instanceof JetStreamApiError && refused.code === 10071, `wrong last sequence: ${String(refused)}`);
  } finally {
    publisher.close();
    await jsm.streams.delete(stream);
    await nc.close();
  }
});

test('JetStreamPublisher: a subject no stream holds, and an answer that never comes, fail the publish', { skip }, async () => {
  const nc = await connect({ servers: NATS_URL.replace('nats://', '') });
  const publisher = new JetStreamPublisher(nc, 300);
  const silent = `moteur_test_silent_${process.pid}`;
  nc.subscribe(silent, { callback: () => undefined }); // takes the message and never answers
  try {
    await assert.rejects(publisher.publish(`moteur_test_nobody_${process.pid}`, 'x'), /no JetStream stream holds/);
    await assert.rejects(publisher.publish(silent, 'x'), /did not acknowledge a publish within 300 ms/);
    const pending = publisher.publish(silent, 'y');
    publisher.close();
    await assert.rejects(pending, /closed/);
  } finally {
    await nc.close();
  }
});
