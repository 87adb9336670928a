import { createHash } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The learner partition a person's events go to: the same person always lands on the same learner. */
export function shardOf(userId: string, shards: number): number {
  return sha256(userId).readUInt32BE(0) % shards;
}

/**
 * Subject names of one log. A person's events share a subject `<stream>.events.<shard>.<token>`, where the
 * token is a hash of the user id: reading or purging one person is a subject filter, no user id appears
 * in subject names, and a learner filters `<stream>.events.<shard>.*`.
 */
export class LogSubjects {
  constructor(
    readonly stream: string,
    readonly shards: number,
  ) {}

  get idsStream(): string {
    return `${this.stream}_ids`;
  }

  get allEvents(): string {
    return `${this.stream}.events.>`;
  }

  shardEvents(shard: number): string {
    return `${this.stream}.events.${shard}.*`;
  }

  userEvents(userId: string): string {
    return `${this.stream}.events.${shardOf(userId, this.shards)}.${sha256(userId).toString('hex', 0, 16)}`;
  }

  /** The message id and claim key of an event id: a hash, since event ids are free text and header values are not. */
  eventKey(eventId: string): string {
    return sha256(eventId).toString('hex');
  }

  idClaim(eventId: string): string {
    return `${this.stream}.ids.${this.eventKey(eventId)}`;
  }

  get allIdClaims(): string {
    return `${this.stream}.ids.*`;
  }
}
