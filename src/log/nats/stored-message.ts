import type { JetStreamManager } from '@nats-io/jetstream';

/**
 * The bytes of the message at `seq` of a stream created with `allow_direct`, undefined if it is not there.
 * A direct get costs the server less than the JetStream API's (no queue, no base64 in JSON), and any replica
 * answers it; a replica that has not caught up yet says "not found" too, so that answer is checked with the
 * stream's leader.
 */
export async function storedMessage(jsm: JetStreamManager, stream: string, seq: number): Promise<Uint8Array | undefined> {
  const direct = await jsm.direct.getMessage(stream, { seq });
  if (direct !== null) return direct.data;
  const led = await jsm.streams.getMessage(stream, { seq });
  return led === null ? undefined : led.data;
}
