import { hash } from 'node:crypto';

// One-shot hashing: a third of the CPU of a Hash object per call, and every event hashes its id and its person's.
const sha256 = (text: string) => hash('sha256', text, 'buffer');

/** The learner partition a person's events go to: the same person always lands on the same learner. */
export function shardOf(userId: string, shards: number): number {
  return shardOfDigest(sha256(userId), shards);
}

const shardOfDigest = (digest: Buffer, shards: number) => digest.readUInt32BE(0) % shards;
/** A person's token in subject names: no user id appears in them. */
const personToken = (digest: Buffer) => digest.toString('hex', 0, 16);

/**
 * Stream and subject names of one log, which keeps personal data in the region of its person:
 *
 * - `<stream>`, the order of the log: one small message per event, on `<stream>.events.<shard>.<key>`, that
 *   says only where the event is (its region and its position there). Its sequence is the log's sequence, and
 *   a learner of partition i filters `<stream>.events.<i>.*`. The key is a hash of the event id, one subject
 *   per id: the message also claims the id, so an event past JetStream's de-duplication window is still
 *   stored once. It names no one and holds nothing of the event.
 * - `<stream>_in_<region>`, a region's events: a person's events on `<stream>.in.<region>.<token>`, where the token is a hash of the user id, so reading or purging one
 *   person is a subject filter and no user id appears in subject names.
 */
export class LogSubjects {
  constructor(
    readonly stream: string,
    readonly shards: number,
  ) {}

  get allEvents(): string {
    return `${this.stream}.events.>`;
  }

  /** Every event ordered in one partition. */
  shardEvents(shard: number): string {
    return `${this.stream}.events.${shard}.*`;
  }

  regionStream(region: string): string {
    return `${this.stream}_in_${region}`;
  }

  /** The learner shards' model deltas (src/cluster/model-deltas.ts), and each region's people in them. */
  get deltasStream(): string {
    return `${this.stream}_deltas`;
  }

  /** Moderation shared by the serving nodes (src/cluster/moderation-stream.ts). */
  get moderationStream(): string {
    return `${this.stream}_moderation`;
  }

  deltaPeopleStream(region: string): string {
    return `${this.stream}_deltas_in_${region}`;
  }

  /** Every subject of a region's stream. */
  regionSubjects(region: string): string {
    return `${this.stream}.in.${region}.*`;
  }

  /** Subjects of every region's stream, to find them. */
  get anyRegion(): string {
    return `${this.stream}.in.*.*`;
  }

  userEvents(region: string, userId: string): string {
    return `${this.stream}.in.${region}.${personToken(sha256(userId))}`;
  }

  /** Where an event (`key`, see eventKey) of a person is stored in their region and where it is ordered, from one hash of their id. */
  eventSubjects(region: string, userId: string, key: string): { stored: string; ordered: string } {
    const digest = sha256(userId);
    return { stored: `${this.stream}.in.${region}.${personToken(digest)}`, ordered: `${this.stream}.events.${shardOfDigest(digest, this.shards)}.${key}` };
  }

  /** The message id and order key of an event id: a hash, since event ids are free text and subjects and header values are not. */
  eventKey(eventId: string): string {
    return hash('sha256', eventId, 'hex');
  }
}
