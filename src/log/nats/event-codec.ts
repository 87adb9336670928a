import type { LoggedSealedEvent, SealedEvent } from '../event-log.ts';

/** An event as a JetStream message body: its JSON, without the sequence number the stream gives it. */
export function encodeEvent(event: SealedEvent): string {
  return JSON.stringify({ id: event.id, userId: event.userId, sealed: event.sealed });
}

export function decodeEvent(body: string, seq: number): LoggedSealedEvent {
  return { ...(JSON.parse(body) as SealedEvent), seq };
}
