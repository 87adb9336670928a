import {
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AppendOutcome, EventLog, LoggedSealedEvent, SealedEvent } from '../event-log.ts';
import { decodeEvent, encodeEvent } from './event-codec.ts';
import { PartialAppendError, type PartialOutcome } from '../partial-append-error.ts';
import { parseNatsUrl, type NatsLogTarget } from './nats-url.ts';
import { LogSubjects } from './subjects.ts';

/** JetStream's error code for a publish whose expected last subject sequence did not match: the id is claimed. */
const WRONG_LAST_SEQUENCE = 10071;
/** JetStream's error codes for deleting a message that is not (or no longer) there: "no message found", "sequence N not found". */
const NOT_THERE = [10057, 10043];
const DUPLICATE: AppendOutcome = { status: 'duplicate' };
const NANOS_PER_MS = 1_000_000;
/** How long a read waits for messages the stream said it has before giving up. */
const READ_EXPIRES_MS = 2000;
/** Deletions in flight at once when erasing a person. */
const ERASE_CONCURRENCY = 64;

/**
 * The scale-out event log on NATS JetStream.
 *
 * - One stream; a person's events share one subject (see LogSubjects), partitioned by a hash of the user id so
 *   learners shard by subject filter. The stream sequence is the log's sequence number.
 * - An append resolves after JetStream acknowledged every message (stored by the stream's leader, and by a
 *   quorum of replicas when the stream is replicated).
 * - Duplicates: the message id is a hash of the event id, so JetStream drops a resend within the
 *   de-duplication window on its own; past the window, each stored event claims its id in a second stream
 *   (`<stream>_ids`, at most one message per subject, publish expecting the subject empty; its body is the
 *   sequence of the message it was made for). A claim held for another message means the id was stored
 *   earlier: the new copy is deleted and reported as a duplicate.
 * - An append that fails part-way throws a PartialAppendError with each event's own outcome.
 */
export class NatsEventLog implements EventLog {
  /** Connects to `nats://...` and creates the streams if they do not exist yet. */
  static async open(url: string): Promise<NatsEventLog> {
    const target = parseNatsUrl(url);
    // No async traces: otherwise the client captures a stack trace for every request (two per event, over a
    // quarter of the client's CPU per event); its errors then carry the client's stack rather than the caller's.
    const nc = await connect({ servers: target.servers, name: `moteur-log-${process.pid}`, noAsyncTraces: true });
    try {
      const jsm = await jetstreamManager(nc);
      const subjects = new LogSubjects(target.stream, target.shards);
      await ensureStreams(jsm, subjects, target);
      return new NatsEventLog(nc, jsm, jetstream(nc), subjects);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly js: JetStreamClient,
    readonly subjects: LogSubjects,
  ) {}

  async append(events: readonly SealedEvent[]): Promise<AppendOutcome[]> {
    const firstIndex = new Map<string, number>();
    events.forEach((e, i) => firstIndex.has(e.id) || firstIndex.set(e.id, i));
    // Pipelined: this map writes every publish to the connection before any acknowledgement is awaited, and
    // each claim leaves as soon as its event's acknowledgement is back. One connection delivers the publishes
    // in batch order and JetStream stores a subject's messages in the order they arrive, so a person's events
    // keep the batch's order (test/log/nats-append.test.ts checks it).
    const settled = await Promise.allSettled(
      events.map((event, i) => (firstIndex.get(event.id) === i ? this.store(event) : Promise.resolve(DUPLICATE))),
    );
    const outcomes = settled.map((s): PartialOutcome => (s.status === 'fulfilled' ? s.value : failure(s.reason)));
    if (outcomes.some((o) => o.status === 'failed')) throw new PartialAppendError(outcomes);
    return outcomes as AppendOutcome[];
  }

  /** Publishes one event and claims its id; a copy whose id another message holds is deleted. */
  private async store(event: SealedEvent): Promise<AppendOutcome> {
    const msgID = this.subjects.eventKey(event.id);
    const ack = await this.js.publish(this.subjects.userEvents(event.userId), encodeEvent(event), { msgID });
    const holder = await this.claim(event.id, ack.seq).catch((error: unknown) => {
      // Stored now but unclaimed: say where, so the caller can learn it (a resend will only find it a duplicate).
      throw new UnclaimedEvent(error, ack.duplicate ? undefined : ack.seq);
    });
    // Held by this very message: claimed now, by an earlier append that failed after storing it, or by a
    // concurrent append of the same event (whose acknowledgement was a duplicate of this one).
    if (holder === undefined || holder === ack.seq) return ack.duplicate ? DUPLICATE : { status: 'stored', seq: ack.seq };
    // Another message holds the id: this is a resend past the window (or the copy an earlier resend failed to delete).
    await this.jsm.streams.deleteMessage(this.subjects.stream, ack.seq, true).catch((err: unknown) => {
      if (!(err instanceof JetStreamApiError && NOT_THERE.includes(err.code))) throw err;
    });
    return DUPLICATE;
  }

  /**
   * Claims the event id for the message at `seq` and returns the sequence of the message that holds
   * it: `seq` when this claim was made, undefined if the claim vanished meanwhile (expired or erased). A resend
   * inside the window finds its own message's sequence, so an append that failed between storing and claiming
   * is completed by its retry.
   */
  private async claim(eventId: string, seq: number): Promise<number | undefined> {
    const subject = this.subjects.idClaim(eventId);
    try {
      await this.js.publish(subject, String(seq), { expect: { lastSubjectSequence: 0 } });
      return seq;
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE)) throw err;
    }
    const held = await this.jsm.streams.getMessage(this.subjects.idsStream, { last_by_subj: subject });
    return held === null ? undefined : Number(held.string());
  }

  async readAfter(afterSeq: number, limit: number): Promise<LoggedSealedEvent[]> {
    const { state } = await this.jsm.streams.info(this.subjects.stream);
    if (limit < 1 || state.messages === 0 || state.last_seq <= afterSeq) return [];
    return this.read(this.subjects.allEvents, Math.max(afterSeq + 1, state.first_seq), limit);
  }

  async readByUser(userId: string): Promise<LoggedSealedEvent[]> {
    const subject = this.subjects.userEvents(userId);
    const { state } = await this.jsm.streams.info(this.subjects.stream, { subjects_filter: subject });
    if ((state.subjects?.[subject] ?? 0) === 0) return [];
    const events = await this.read(subject, 1, Number.MAX_SAFE_INTEGER);
    // The subject token is a hash: two people could share it only by collision, and then each sees only their own.
    return events.filter((e) => e.userId === userId);
  }

  /** Messages on `subject` from sequence `fromSeq`, through a short-lived ordered consumer. */
  private async read(subject: string, fromSeq: number, limit: number): Promise<LoggedSealedEvent[]> {
    const consumer = await this.js.consumers.get(this.subjects.stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
    });
    const events: LoggedSealedEvent[] = [];
    try {
      const batch = Math.min(limit, 10_000);
      while (events.length < limit) {
        const messages = await consumer.fetch({ max_messages: Math.min(batch, limit - events.length), expires: READ_EXPIRES_MS });
        let pending = -1;
        for await (const m of messages) {
          events.push(decodeEvent(m.string(), m.seq));
          pending = m.info.pending;
          if (pending === 0 || events.length >= limit) break;
        }
        if (pending <= 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return events;
  }

  /**
   * Erases one person's events: each message is deleted with JetStream's erase option, which overwrites its
   * bytes in the stream's files with random data; then the subject is purged in case an event arrived
   * meanwhile, and the id claims are removed. What JetStream still holds is listed in docs/scaling.md.
   */
  async eraseUser(userId: string): Promise<number> {
    const events = await this.readByUser(userId);
    for (let i = 0; i < events.length; i += ERASE_CONCURRENCY) {
      await Promise.all(
        events.slice(i, i + ERASE_CONCURRENCY).flatMap((e) => [
          this.jsm.streams.deleteMessage(this.subjects.stream, e.seq, true),
          this.jsm.streams.purge(this.subjects.idsStream, { filter: this.subjects.idClaim(e.id) }),
        ]),
      );
    }
    const late = await this.jsm.streams.purge(this.subjects.stream, { filter: this.subjects.userEvents(userId) });
    return events.length + late.purged;
  }

  async lastSeq(): Promise<number> {
    return (await this.jsm.streams.info(this.subjects.stream)).state.last_seq;
  }

  async count(): Promise<number> {
    return (await this.jsm.streams.info(this.subjects.stream)).state.messages;
  }

  /** Deletes both streams and everything in them (tests and benchmarks clean up with this). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.subjects.stream).catch(() => undefined);
    await this.jsm.streams.delete(this.subjects.idsStream).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

/** An event JetStream stored whose id claim failed; `storedSeq` when this append stored it (not a resend). */
class UnclaimedEvent {
  constructor(
    readonly error: unknown,
    readonly storedSeq: number | undefined,
  ) {}
}

function failure(reason: unknown): PartialOutcome {
  if (!(reason instanceof UnclaimedEvent)) return { status: 'failed', error: reason };
  return reason.storedSeq === undefined ? { status: 'failed', error: reason.error } : { status: 'failed', error: reason.error, storedSeq: reason.storedSeq };
}

async function ensureStreams(jsm: JetStreamManager, subjects: LogSubjects, target: NatsLogTarget): Promise<void> {
  const description = `moteur event log; shards=${target.shards}`;
  const existing = await jsm.streams.info(subjects.stream).catch((err: unknown) => {
    if (err instanceof JetStreamApiError && err.code === 10059) return undefined; // stream not found
    throw err;
  });
  if (existing !== undefined && existing.config.description !== description) {
    throw new Error(
      `stream ${subjects.stream} was created as "${existing.config.description ?? ''}", not with shards=${target.shards}: ` +
        'the partition count of a log cannot change',
    );
  }
  if (existing === undefined) {
    await jsm.streams.add({
      name: subjects.stream,
      description,
      subjects: [subjects.allEvents],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      duplicate_window: target.dedupWindowMs * NANOS_PER_MS,
    });
  }
  await jsm.streams
    .add({
      name: subjects.idsStream,
      description: `moteur event id claims for ${subjects.stream}`,
      subjects: [subjects.allIdClaims],
      storage: StorageType.File,
      max_msgs_per_subject: 1,
      max_age: target.idHorizonMs * NANOS_PER_MS,
    })
    .catch((err: unknown) => {
      // Already there with the same configuration (another node created it first).
      if (!(err instanceof JetStreamApiError && err.code === 10058)) throw err;
    });
}
