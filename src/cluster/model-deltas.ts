/**
 * Model deltas between the replicas of the model (learner shards and serving nodes), on the JetStream stream
 * `<stream>_deltas`: shard i publishes on `<stream>.deltas.<i>` with the message id `<i>:<position>`, so a
 * re-publish of the same delta is dropped by JetStream. The people a delta touched travel apart, each
 * region's in that region's stream `<stream>_deltas_in_<region>` (as events do), and the delta says where;
 * a replica fetches only the parts of the regions it serves. Each person's state is sealed under their data
 * key, like their events: an erasure destroys the key, and every copy in the streams stops opening.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { Video } from '../core/types.ts';
import { onceEach } from '../core/once-each.ts';
import { untilDone } from '../core/retry.ts';
import { storedMessage } from '../log/nats/stored-message.ts';
import { decodeDelta, decodePeople, encodeDelta, encodePeople, type DeltaMessage, type ModelDelta, type PeoplePart } from '../learn/online/model-delta.ts';
import type { Residency } from '../residency/people-directory.ts';
import { addStream, type NatsEventLog } from '../log/nats/nats-event-log.ts';
import type { Store } from '../store/store.ts';
import { decrypt, encrypt } from '../trust/crypto/aead.ts';
import type { PersonKeys } from '../trust/crypto/data-keys.ts';
import { warn } from '../core/warnings.ts';

const NANOS_PER_MS = 1_000_000;
const DEDUP_WINDOW_MS = 10 * 60_000;
const personContext = (userId: string) => `moteur model delta\u0000${userId}`;

/** Where a replica stands in the delta stream: the last message handled, and per sender shard the highest position applied. */
export interface DeltaCursor {
  streamSeq: number;
  applied: Record<string, number>;
}

export const NO_DELTAS: DeltaCursor = { streamSeq: 0, applied: {} };

export class DeltaStream {
  /** The delta stream of the log, created if it does not exist yet. */
  static async open(log: NatsEventLog): Promise<DeltaStream> {
    const stream = new DeltaStream(log);
    await stream.addStream(stream.name, `moteur model deltas for ${log.subjects.stream}`, `${log.subjects.stream}.deltas.*`);
    return stream;
  }

  /** A region's stream of people, created the first time a delta holds someone of that region. */
  private readonly ensureRegionStream = onceEach((region) =>
    this.addStream(
      this.regionStream(region),
      `moteur model deltas' people of region ${region} for ${this.log.subjects.stream}`,
      `${this.log.subjects.stream}.deltas.in.${region}.*`,
      true,
    ),
  );

  private constructor(private readonly log: NatsEventLog) {}

  get name(): string {
    return this.log.subjects.deltasStream;
  }

  regionStream(region: string): string {
    return this.log.subjects.deltaPeopleStream(region);
  }

  /** Creates a stream of deltas; regions' people are read by sequence, so their streams allow direct gets. */
  private addStream(name: string, description: string, subjects: string, allowDirect = false): Promise<void> {
    return addStream(this.log.jsm, {
      name,
      description,
      subjects: [subjects],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      duplicate_window: DEDUP_WINDOW_MS * NANOS_PER_MS,
      allow_direct: allowDirect,
    });
  }

  /**
   * Seals each person's state under their key (a person without a key or a region, erased meanwhile, is left
   * out), publishes each region's people in their region, then the delta; returns its stream sequence.
   */
  async publish(message: DeltaMessage, keys: PersonKeys, residency: Pick<Residency, 'regionOf'>): Promise<number> {
    const { shard, position } = message;
    const msgID = `${shard}:${position}`;
    const byRegion = new Map<string, ModelDelta['people']>();
    await keys.prepare(message.delta.people.map((p) => p.userId));
    for (const { userId, bytes } of message.delta.people) {
      const key = keys.keyOf(userId);
      const region = residency.regionOf(userId);
      if (key === undefined || region === undefined) continue;
      const sealed = { userId, bytes: new Uint8Array(encrypt(key, Buffer.from(bytes), personContext(userId))) };
      byRegion.get(region)?.push(sealed) ?? byRegion.set(region, [sealed]);
    }
    const peopleParts = await Promise.all(
      [...byRegion].map(async ([region, people]) => {
        await this.ensureRegionStream(region);
        const ack = await this.log.js.publish(`${this.log.subjects.stream}.deltas.in.${region}.${shard}`, encodePeople(people), { msgID });
        return { region, seq: ack.seq };
      }),
    );
    const body = encodeDelta({ ...message, delta: { ...message.delta, people: [] }, peopleParts });
    const ack = await this.log.js.publish(`${this.log.subjects.stream}.deltas.${shard}`, body, { msgID });
    return ack.seq;
  }

  /** A region's people of a delta, still sealed; undefined if the message is gone. */
  async people({ region, seq }: PeoplePart): Promise<ModelDelta['people'] | undefined> {
    const stream = this.regionStream(region);
    const message = await untilDone(
      `reading a model delta's people of region ${region}`,
      () => storedMessage(this.log.jsm, stream, seq),
      () => this.log.isClosed,
    );
    return message === undefined ? undefined : decodePeople(message);
  }

  async lastSeq(): Promise<number> {
    return (await this.log.jsm.streams.info(this.name)).state.last_seq;
  }

  /** Hands every message after `afterSeq` to `handle`, in stream order, one at a time, until closed. */
  async follow(afterSeq: number, handle: (body: Uint8Array, seq: number) => Promise<void>): Promise<{ close(): Promise<void> }> {
    const consumer = await this.log.js.consumers.get(this.name, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: afterSeq + 1 });
    const messages: ConsumerMessages = await consumer.consume();
    const following = (async () => {
      for await (const m of messages) await handle(m.data, m.seq);
    })();
    return {
      async close() {
        await messages.close();
        await following;
      },
    };
  }
}

export interface DeltaReceiverOptions {
  /** Where the people of a delta are fetched from. */
  stream: DeltaStream;
  /** The regions this replica serves: only their people are fetched. */
  regions: readonly string[];
  /** The log's partition count: deltas of another shard count are refused. */
  shards: number;
  /** This replica's own shard, if it is a learner shard (its own deltas are applied only on a restart). */
  self: number | undefined;
  keys: PersonKeys;
  store: Store;
  hasVideo(videoId: string): boolean;
  addVideos(videos: Video[]): void;
  /** Applies an opened delta from shard `sender`, covering its part of the log up to `position`. */
  apply(delta: ModelDelta, sender: number, position: number): void;
}

/**
 * Applies the deltas of every shard in stream order, each at most once: per sender it keeps the highest
 * position applied and skips anything at or below it (a re-publish, a replay after a restart). A message that
 * does not decode, or comes from another shard count, is ignored with a warning.
 */
export class DeltaReceiver {
  private cursor: DeltaCursor;

  constructor(
    private readonly options: DeltaReceiverOptions,
    start: DeltaCursor,
  ) {
    this.cursor = { streamSeq: start.streamSeq, applied: { ...start.applied } };
  }

  /** Where this replica stands, for a checkpoint. */
  position(): DeltaCursor {
    return { streamSeq: this.cursor.streamSeq, applied: { ...this.cursor.applied } };
  }

  appliedOf(shard: number): number {
    return this.cursor.applied[shard] ?? 0;
  }

  /** This replica (a learner shard) published its own delta up to `position`: it is in its state already. */
  published(shard: number, position: number): void {
    this.cursor.applied[shard] = Math.max(this.appliedOf(shard), position);
  }

  /**
   * Returns whether the message was applied. The cursor moves past the message only once it is handled: a
   * checkpoint taken while its people are being fetched must not skip it on a restart.
   */
  async receive(body: Uint8Array, seq: number): Promise<boolean> {
    const handled = () => {
      this.cursor.streamSeq = Math.max(this.cursor.streamSeq, seq);
    };
    let message: DeltaMessage;
    try {
      message = decodeDelta(body);
    } catch (err) {
      warn('delta_ignored', `model delta ${seq} ignored`, err);
      handled();
      return false;
    }
    const { shard, shards, position, delta } = message;
    if (shards !== this.options.shards || shard >= shards) {
      warn('delta_ignored', `model delta ${seq} ignored: it comes from shard ${shard}/${shards}, the log has ${this.options.shards} partitions`);
      handled();
      return false;
    }
    if (position <= this.appliedOf(shard)) {
      handled();
      return false;
    }
    const people = await this.open([...delta.people, ...(await this.peopleIn(message, seq))]);
    await this.ensureVideos(delta);
    // Applied synchronously with the cursor's move: a checkpoint encoded in between sees both or neither.
    this.options.apply({ ...delta, people }, shard, position);
    this.cursor.applied[shard] = position;
    handled();
    return true;
  }

  /** The people of a delta that travelled in their regions, those of the served regions. */
  private async peopleIn({ peopleParts = [] }: DeltaMessage, seq: number): Promise<ModelDelta['people']> {
    const parts = await Promise.all(peopleParts.filter((p) => this.options.regions.includes(p.region)).map((part) => this.options.stream.people(part)));
    if (parts.includes(undefined)) warn('delta_ignored', `model delta ${seq}: a region's part of its people is gone; left out`);
    return parts.flatMap((people) => people ?? []);
  }

  /** Each person's state opened with their key; a person whose key is gone (erased) is left out. */
  private async open(people: ModelDelta['people']): Promise<ModelDelta['people']> {
    const { keys } = this.options;
    await keys.prepare(people.map((p) => p.userId));
    return people.flatMap(({ userId, bytes }) => {
      const key = keys.keyOf(userId);
      if (key === undefined) return [];
      try {
        return [{ userId, bytes: new Uint8Array(decrypt(key, Buffer.from(bytes), personContext(userId))) }];
      } catch {
        warn('delta_ignored', "a person's state in a model delta did not open; left out");
        return [];
      }
    });
  }

  /** Videos the delta names that this replica has not been told of yet (their catalog change is still on its way) come from the store. */
  private async ensureVideos(delta: ModelDelta): Promise<void> {
    const ids = new Set<string>();
    for (const { videoId } of [...delta.counters, ...delta.rows, ...delta.exploration]) ids.add(videoId);
    for (const { a, b } of delta.swing) ids.add(a).add(b);
    const missing = [...ids].filter((id) => !this.options.hasVideo(id));
    const found: Video[] = [];
    for (const id of missing) {
      const video = await this.options.store.getVideo(id);
      if (video !== undefined) found.push(video);
    }
    if (found.length > 0) this.options.addVideos(found);
  }
}
