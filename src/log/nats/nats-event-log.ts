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
  type JsMsg,
  type PubAck,
  type StoredMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { AppendOutcome, EventLog, LoggedSealedEvent, SealedEvent } from '../event-log.ts';
import { decodeEvent, decodePlace, encodeEvent, encodePlace, type EventPlace } from './event-codec.ts';
import { PartialAppendError, type PartialOutcome } from '../partial-append-error.ts';
import { JetStreamPublisher } from './jetstream-publisher.ts';
import { onceEach } from '../../core/once-each.ts';
import { readAhead } from '../../core/read-ahead.ts';
import { untilDone } from '../../core/retry.ts';
import { storedMessage } from './stored-message.ts';
import { parseNatsUrl, type NatsLogTarget } from './nats-url.ts';
import { LogSubjects } from './subjects.ts';

/** JetStream's error code for a publish whose expected last subject sequence did not match: the id is claimed. */
const WRONG_LAST_SEQUENCE = 10071;
/** JetStream's error codes for deleting a message that is not (or no longer) there: "no message found", "sequence N not found". */
const NOT_THERE = [10057, 10043];
const TEXT = new TextDecoder();
const DUPLICATE: AppendOutcome = { status: 'duplicate' };
const NANOS_PER_MS = 1_000_000;
/** How long a read waits for messages the stream said it has before giving up. */
const READ_EXPIRES_MS = 2000;
/** Ends the order stream's description: each order message claims its event's id (no `<stream>_ids` stream). */
const LAYOUT = 'layout=2';
/** JetStream's error code for a stream that does not exist. */
const STREAM_NOT_FOUND = 10059;
/** Events read from their regions at once when reading the log. */
const READ_CONCURRENCY = 256;
/** Deletions in flight at once when erasing a person. */
const ERASE_CONCURRENCY = 64;

/** Which region's stream keeps a person's events. */
export interface EventPlacement {
  /** The region of someone whose events are being stored (a person new to the deployment is placed). */
  assign(userId: string): string;
  /** The region of someone known, undefined for someone unknown. */
  regionOf(userId: string): string | undefined;
}

/** Everyone in one region. */
export const oneRegion = (region: string): EventPlacement => ({ assign: () => region, regionOf: () => region });

/** Where an event was stored in its region's stream, and whether this append stored it (not a resend inside the window). */
interface StoredPlace extends EventPlace {
  fresh: boolean;
}

/**
 * The scale-out event log on NATS JetStream, keeping each person's events in their region's stream (see
 * LogSubjects for the streams and subjects).
 *
 * - An event is stored in its region's stream, then its place there is published to the order stream, whose
 *   sequence is the log's sequence number. Readers of the log (learners, serving nodes) follow the order
 *   stream and fetch each event from its region (`eventAt`); an event erased meanwhile is skipped.
 * - An append resolves after JetStream acknowledged every message (stored by the stream's leader, and by a
 *   quorum of replicas when the stream is replicated). The places of a batch are published in batch order.
 * - Duplicates: the order message claims the event's id. Its subject is the id's hash, published expecting the
 *   subject empty, so JetStream refuses a second order message for the id in the same step that would store it,
 *   however late the resend. The region message carries the hash as its message id, so a resend inside
 *   JetStream's de-duplication window finds the first copy rather than making one; a copy a refused resend
 *   made is deleted. The event is reported a duplicate. Two acknowledged publishes an event, and an event is
 *   in the log exactly when its order message is.
 * - An append that fails part-way throws a PartialAppendError with each event's own outcome; appending the
 *   batch again stores what failed and finds the rest duplicates.
 */
export class NatsEventLog implements EventLog {
  /**
   * Connects to `nats://...` and creates the streams if they do not exist yet; `placement` says in which
   * region's stream a person's events are kept (default: all in one).
   */
  static async open(url: string, placement: EventPlacement = oneRegion('local')): Promise<NatsEventLog> {
    const target = parseNatsUrl(url);
    // No async traces: otherwise the client captures a stack trace for every request (two per event, over a
    // quarter of the client's CPU per event); its errors then carry the client's stack rather than the caller's.
    const nc = await connect({ servers: target.servers, name: `moteur-log-${process.pid}`, noAsyncTraces: true });
    try {
      const jsm = await jetstreamManager(nc);
      const subjects = new LogSubjects(target.stream, target.shards);
      await ensureStreams(jsm, subjects, target);
      return new NatsEventLog(nc, jsm, jetstream(nc), subjects, target.dedupWindowMs, placement);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  /** A region's stream, created the first time an event of that region is stored. */
  private readonly ensureRegionStream = onceEach((region) =>
    addStream(this.jsm, {
      name: this.subjects.regionStream(region),
      description: `moteur events of region ${region} for ${this.subjects.stream}`,
      subjects: [this.subjects.regionSubjects(region)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      duplicate_window: this.dedupWindowMs * NANOS_PER_MS,
      allow_direct: true,
    }),
  );
  private closed = false;
  private readonly publisher: JetStreamPublisher;

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly js: JetStreamClient,
    readonly subjects: LogSubjects,
    private readonly dedupWindowMs: number,
    private readonly placement: EventPlacement,
  ) {
    this.publisher = new JetStreamPublisher(nc);
  }

  async append(events: readonly SealedEvent[]): Promise<AppendOutcome[]> {
    const firstIndex = new Map<string, number>();
    events.forEach((e, i) => firstIndex.has(e.id) || firstIndex.set(e.id, i));
    const planned = events.map((event, i) => {
      if (firstIndex.get(event.id) !== i) return undefined;
      const key = this.subjects.eventKey(event.id);
      const region = this.placement.assign(event.userId);
      return { event, key, region, ...this.subjects.eventSubjects(region, event.userId, key) };
    });
    const streams = new Map<string, Promise<unknown>>();
    for (const p of planned) if (p !== undefined && !streams.has(p.region)) streams.set(p.region, this.ensureRegionStream(p.region));
    // Two steps for the whole batch: every event is published to its region, then, once all are acknowledged,
    // every place, in batch order. One connection delivers the publishes in the order they are made, and
    // JetStream stores a stream's messages in the order they arrive, so a batch is ordered in its own order
    // (test/log/nats-append.test.ts checks it).
    const stored = await Promise.allSettled(
      planned.map(async (p): Promise<StoredPlace | undefined> => {
        if (p === undefined) return undefined;
        await streams.get(p.region);
        const ack = await this.publisher.publish(p.stored, encodeEvent(p.event), { msgID: p.key });
        return { region: p.region, regionSeq: ack.seq, fresh: !ack.duplicate };
      }),
    );
    const settled = await Promise.allSettled(
      stored.map((result, i) => {
        if (result.status === 'rejected') return Promise.reject(result.reason);
        const place = result.value;
        if (place === undefined) return DUPLICATE;
        const { ordered } = planned[i]!;
        // Ordering claims the id: the subject is the id's, and it must hold nothing yet. That catches a resend
        // inside the de-duplication window too, so the order message needs no message id.
        return this.outcomeOfOrder(ordered, place, this.publisher.publish(ordered, encodePlace(place), { expectEmptySubject: true }));
      }),
    );
    const outcomes = settled.map((s): PartialOutcome => (s.status === 'fulfilled' ? s.value : { status: 'failed', error: s.reason }));
    if (outcomes.some((o) => o.status === 'failed')) throw new PartialAppendError(outcomes);
    return outcomes as AppendOutcome[];
  }

  /**
   * Stored when JetStream took the order message; refused when the id's subject holds an earlier one (a resend,
   * or a concurrent append of the same event), and then a region copy this append made is no event of the log.
   */
  private async outcomeOfOrder(subject: string, place: StoredPlace, ordered: Promise<PubAck>): Promise<AppendOutcome> {
    const ack = await ordered.catch((err: unknown) => {
      if (err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE) return undefined;
      throw err;
    });
    if (ack !== undefined) return { status: 'stored', seq: ack.seq };
    if (place.fresh) await this.deleteRegionCopyUnlessKept(place, await this.jsm.streams.getMessage(this.subjects.stream, { last_by_subj: subject }));
    return DUPLICATE;
  }

  /**
   * Deletes this append's region copy unless the order message that holds the id (null if it was erased
   * meanwhile) places it there: a concurrent append of the same event whose region publish was a duplicate of
   * this one's (same place) may have ordered it first, and then this copy is the event.
   */
  private async deleteRegionCopyUnlessKept(place: StoredPlace, kept: StoredMsg | null): Promise<void> {
    const keptPlace = kept === null ? undefined : decodePlace(kept.string());
    if (keptPlace?.region === place.region && keptPlace.regionSeq === place.regionSeq) return;
    await this.deleteCopy(this.subjects.regionStream(place.region), place.regionSeq);
  }

  private async deleteCopy(stream: string, seq: number): Promise<void> {
    await this.jsm.streams.deleteMessage(stream, seq, true).catch((err: unknown) => {
      if (!(err instanceof JetStreamApiError && NOT_THERE.includes(err.code))) throw err;
    });
  }

  /**
   * The event a message of the order stream (`body`, at log position `seq`) places, read from its region;
   * undefined if it was erased. A failed read is retried until it succeeds or the log closes: an event that
   * is stored is never skipped.
   */
  private async eventAt(body: string, seq: number): Promise<LoggedSealedEvent | undefined> {
    const place = decodePlace(body);
    const stream = this.subjects.regionStream(place.region);
    const message = await untilDone(
      `reading event ${seq} from region ${place.region}`,
      () => storedMessage(this.jsm, stream, place.regionSeq),
      () => this.closed,
    );
    return message === undefined ? undefined : decodeEvent(TEXT.decode(message), seq);
  }

  /** The events a consumer's messages of the order stream place, read from their regions up to READ_CONCURRENCY ahead, in order. */
  eventsOf(messages: AsyncIterable<JsMsg>): AsyncGenerator<{ item: JsMsg; result: Promise<LoggedSealedEvent | undefined> }> {
    return readAhead(messages, (m) => this.eventAt(m.string(), m.seq), READ_CONCURRENCY);
  }

  async readAfter(afterSeq: number, limit: number): Promise<LoggedSealedEvent[]> {
    const { state } = await this.jsm.streams.info(this.subjects.stream);
    if (limit < 1 || state.messages === 0 || state.last_seq <= afterSeq) return [];
    const placed = await this.read(this.subjects.stream, this.subjects.allEvents, Math.max(afterSeq + 1, state.first_seq), limit);
    const events: (LoggedSealedEvent | undefined)[] = [];
    for (let i = 0; i < placed.length; i += READ_CONCURRENCY) {
      events.push(...(await Promise.all(placed.slice(i, i + READ_CONCURRENCY).map((m) => this.eventAt(m.body, m.seq)))));
    }
    return events.filter((e) => e !== undefined);
  }

  /** One person's events, from their region's stream; their `seq` is the position there. */
  async readByUser(userId: string): Promise<LoggedSealedEvent[]> {
    const region = this.placement.regionOf(userId);
    if (region === undefined) return [];
    const stream = this.subjects.regionStream(region);
    const subject = this.subjects.userEvents(region, userId);
    const state = await this.jsm.streams.info(stream, { subjects_filter: subject }).then(
      (info) => info.state,
      (err: unknown) => {
        if (err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND) return undefined; // nobody of the region stored anything yet
        throw err;
      },
    );
    if ((state?.subjects?.[subject] ?? 0) === 0) return [];
    const seen = new Set<string>();
    // The subject token is a hash: two people could share it only by collision, and then each sees only their
    // own. A copy left by an append that failed before ordering it is not shown twice.
    return (await this.read(stream, subject, 1, Number.MAX_SAFE_INTEGER))
      .map((m) => decodeEvent(m.body, m.seq))
      .filter((e) => e.userId === userId && !seen.has(e.id) && seen.add(e.id));
  }

  /** Messages on `subject` of `stream` from sequence `fromSeq`, through a short-lived ordered consumer. */
  private async read(stream: string, subject: string, fromSeq: number, limit: number): Promise<{ body: string; seq: number }[]> {
    const consumer = await this.js.consumers.get(stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
    });
    const messages: { body: string; seq: number }[] = [];
    try {
      const batch = Math.min(limit, 10_000);
      while (messages.length < limit) {
        const fetched = await consumer.fetch({ max_messages: Math.min(batch, limit - messages.length), expires: READ_EXPIRES_MS });
        let pending = -1;
        for await (const m of fetched) {
          messages.push({ body: m.string(), seq: m.seq });
          pending = m.info.pending;
          if (pending === 0 || messages.length >= limit) break;
        }
        if (pending <= 0) break;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
    return messages;
  }

  /**
   * Erases one person's events: each message is deleted from their region's stream with JetStream's erase
   * option, which overwrites its bytes in the stream's files with random data; then the subject is purged in
   * case an event arrived meanwhile, and each event's order message (its id's claim) is removed. An order
   * message of an event that arrived meanwhile stays and leads nowhere. What JetStream still holds is listed
   * in docs/scaling.md.
   */
  async eraseUser(userId: string): Promise<number> {
    const region = this.placement.regionOf(userId);
    if (region === undefined) return 0;
    const stream = this.subjects.regionStream(region);
    const events = await this.readByUser(userId);
    for (let i = 0; i < events.length; i += ERASE_CONCURRENCY) {
      await Promise.all(
        events
          .slice(i, i + ERASE_CONCURRENCY)
          .flatMap((e) => [
            this.jsm.streams.deleteMessage(stream, e.seq, true),
            this.jsm.streams.purge(this.subjects.stream, { filter: this.subjects.eventSubjects(region, userId, this.subjects.eventKey(e.id)).ordered }),
          ]),
      );
    }
    if (events.length === 0) return 0;
    const late = await this.jsm.streams.purge(stream, { filter: this.subjects.userEvents(region, userId) });
    return events.length + late.purged;
  }

  async lastSeq(): Promise<number> {
    return (await this.jsm.streams.info(this.subjects.stream)).state.last_seq;
  }

  /** Events stored in every region, less those erased. */
  async count(): Promise<number> {
    let count = 0;
    for (const stream of await this.regionStreamNames()) {
      count += (await this.jsm.streams.info(stream)).state.messages;
    }
    return count;
  }

  private async regionStreamNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const name of this.jsm.streams.names(this.subjects.anyRegion)) names.push(name);
    return names;
  }

  /** Deletes every stream of the log and everything in them (tests and benchmarks clean up with this). */
  destroy(): Promise<void> {
    return deleteLogStreams(this.jsm, this.subjects.stream);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.publisher.close();
    await this.nc.drain();
  }
}

/** Deletes every stream of the log named `stream`: its order, regions and model deltas (`<stream>_*`). */
export async function deleteLogStreams(jsm: JetStreamManager, stream: string): Promise<void> {
  const names: string[] = [];
  for await (const name of jsm.streams.names()) if (name === stream || name.startsWith(`${stream}_`)) names.push(name);
  for (const name of names) await jsm.streams.delete(name).catch(() => undefined);
}

async function ensureStreams(jsm: JetStreamManager, subjects: LogSubjects, target: NatsLogTarget): Promise<void> {
  const description = `moteur event log; shards=${target.shards}; ${LAYOUT}`;
  const existing = await jsm.streams.info(subjects.stream).catch((err: unknown) => {
    if (err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND) return undefined;
    throw err;
  });
  const found = existing?.config.description ?? '';
  if (existing !== undefined && !found.endsWith(LAYOUT)) {
    throw new Error(
      `stream ${subjects.stream} holds a log of an earlier layout (its ids claimed in ${subjects.stream}_ids), which this ` +
        'version does not read: give the log a new stream name (?stream=NAME in its URL) and import the events again',
    );
  }
  if (existing !== undefined && found !== description) {
    throw new Error(`stream ${subjects.stream} was created as "${found}", not with shards=${target.shards}: the partition count of a log cannot change`);
  }
  if (existing === undefined) {
    await addStream(jsm, {
      name: subjects.stream,
      description,
      subjects: [subjects.allEvents],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      duplicate_window: target.dedupWindowMs * NANOS_PER_MS,
    });
  }
}

/**
 * Creates a stream; one already there with the same subjects (another node created it first) is fine. Nodes
 * starting together race here, and the server may then answer "name in use" or "subjects overlap": either way
 * the stream is looked up, and only a stream that is not there, or holds other subjects, is an error.
 */
export async function addStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (err) {
    if (!(err instanceof JetStreamApiError)) throw err;
    const existing = await jsm.streams.info(config.name).catch(() => undefined);
    const wanted = [...(config.subjects ?? [])].sort().join(',');
    if (existing === undefined || [...existing.config.subjects].sort().join(',') !== wanted) throw err;
  }
}
