import type { LoggedSealedEvent, SealedEvent } from '../event-log.ts';

/** An event as a JetStream message body: its JSON, without the sequence number the stream gives it. */
export function encodeEvent(event: SealedEvent): string {
  return JSON.stringify({ id: event.id, userId: event.userId, sealed: event.sealed });
}

export function decodeEvent(body: string, seq: number): LoggedSealedEvent {
  return { ...(JSON.parse(body) as SealedEvent), seq };
}

/** Where an event is stored: its region's stream, and its position there. */
export interface EventPlace {
  region: string;
  regionSeq: number;
}

/** The body of an event's message in the log's order stream: `<region> <position>`, nothing of the event itself. */
export function encodePlace({ region, regionSeq }: EventPlace): string {
  return `${region} ${regionSeq}`;
}

export function decodePlace(body: string): EventPlace {
  const match = /^([a-z][a-z0-9-]*) (\d+)$/.exec(body);
  if (match === null) throw new Error(`not an event's place in the log: ${body.slice(0, 40)}`);
  return { region: match[1]!, regionSeq: Number(match[2]) };
}
