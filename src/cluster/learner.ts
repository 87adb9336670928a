import { AckPolicy, DeliverPolicy, JetStreamApiError, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { join } from 'node:path';
import type { MoteurConfig } from '../app/config.ts';
import { EngineLearning } from '../app/learning.ts';
import type { LoggedEvent, Video } from '../core/types.ts';
import type { LoggedSealedEvent } from '../log/event-log.ts';
import { removeRegionalFiles, writeRegionalFiles } from '../learn/online/regional-snapshot.ts';
import type { NatsEventLog } from '../log/nats/nats-event-log.ts';
import { shardOf } from '../log/nats/subjects.ts';
import type { Residency } from '../residency/people-directory.ts';
import type { Store } from '../store/store.ts';
import type { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import type { Checkpoints } from './checkpoints.ts';
import { learnerConsumerName, shardFilter } from './learner-shard.ts';
import { LogOrder } from './log-order.ts';
import { DeltaReceiver, NO_DELTAS, type DeltaCursor, type DeltaStream } from './model-deltas.ts';
import type { DeltaMessage } from '../learn/online/model-delta.ts';
import type { RegionalSnapshot } from '../learn/online/regional-snapshot.ts';
import { untilDone } from '../core/retry.ts';
import { changesSubject, type ChangeMessage } from './messages.ts';
import { warn } from '../core/warnings.ts';

const NANOS_PER_MS = 1_000_000;
/**
 * A delta holds each person it touched whole (up to ~20 KB at the default limits), in their region's
 * message, and an entry per video and Swing pair it moved (157 bytes on average in
 * test/learn/model-delta.test.ts, under 300 for a learned row), in its own: past
 * either bound, the learner publishes before it learns on, so every message stays well under JetStream's
 * 1 MB limit however fast events come.
 */
const MAX_PEOPLE_PER_DELTA = 40;
const MAX_ITEM_ENTRIES_PER_DELTA = 2000;

export interface LearnerStatus {
  /** The log position its state holds every event of its part up to. */
  position: number;
  /** Messages of its part not delivered to it yet. */
  lagEvents: number;
  /** How much older the last event it learned is than the newest of its part (0 when caught up; null before it learned any). */
  lagSeconds: number | null;
  /** Events learned since this process started. */
  eventsLearned: number;
  /** Seconds since this process last wrote a checkpoint (null before its first). */
  checkpointAgeSeconds: number | null;
  lastCheckpointSeq: number;
  /** The last model delta it published: how long ago, and the log position it covers (null before its first, or for a learner of the whole log). */
  lastDelta: { ageSeconds: number; position: number } | null;
}

export interface LearnerOptions {
  /** The log as stored, which the learner consumes, and as the engine reads it, which opens what it consumes. */
  sealedLog: NatsEventLog;
  log: PersonalEventLog;
  store: Store;
  /** The shard's checkpoints: which part of the log this learner learns from is theirs (`checkpoints.shard`). */
  checkpoints: Checkpoints;
  /** Every region of the deployment, and where each person lives: each region's people go to its part of a checkpoint. */
  residency: Residency;
  config: MoteurConfig;
  /** A local scratch directory: the checkpoint is handed to the engine's loader through a file there. */
  workDir: string;
  checkpointEveryMs: number;
  /** For a shard of several: the model delta stream, and how often to publish to it. */
  deltas?: { stream: DeltaStream; everyMs: number } | undefined;
}

/**
 * A learner (`--role learner [--shard i/N]`): it learns from its part of the log (the whole log, or the
 * people of one partition) through a durable JetStream consumer of its own and writes model checkpoints to
 * PostgreSQL, each with the log position it contains every event of its part up to. A shard of several
 * publishes a model delta of what it learned every `deltas.everyMs` and applies the other shards' (see
 * model-deltas.ts), so its state, and its checkpoints, are the whole model.
 *
 * At start it loads its newest checkpoint, applies the deltas after it (its own included), and re-anchors its
 * consumer right after the last position it published, so a learner killed at any point loses no event (what
 * is in no delta is delivered again) and counts none twice (a delta holds exactly its events up to its
 * position). Messages are acknowledged up to the checkpointed position, so the consumer's pending count is the
 * learner's lag.
 */
export class Learner {
  static async start(options: LearnerOptions): Promise<Learner> {
    const release = await options.checkpoints.claimLearner();
    const learner = new Learner(options, release);
    try {
      await learner.restore();
      return learner;
    } catch (err) {
      await learner.stop();
      throw err;
    }
  }

  private readonly videos = new Map<string, Video>();
  private readonly learning: EngineLearning;
  private readonly order: LogOrder;
  private subscription: Subscription | undefined;
  private messages: ConsumerMessages | undefined;
  private consuming: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<void> = Promise.resolve();
  /** The erasure epoch whose erasures are all applied to this learner's state. */
  private epoch = 0;
  private lastCheckpoint = -1;
  /** The newest message whose event is in the state, acknowledged (with all before it) once checkpointed. */
  private unacknowledged: JsMsg | undefined;
  /** With model deltas: what the other shards' deltas brought, and the following of their stream. */
  private receiver: DeltaReceiver | undefined;
  private deltaFollowing: { close(): Promise<void> } | undefined;
  private deltaTimer: NodeJS.Timeout | undefined;
  /** Deltas are published one at a time, in order, and checkpoints wait their turn among them. */
  private publishing: Promise<void> = Promise.resolve();
  /** The stream position of the last checkpoint's deltas: a checkpoint is due when other shards' deltas arrived since. */
  private checkpointStreamSeq = 0;
  private stopped = false;
  /** What `status` reports: events learned since start, and when the last learned event, checkpoint and delta happened. */
  private readonly watched = {
    eventsLearned: 0,
    lastLearnedAtMs: undefined as number | undefined,
    checkpointAtMs: undefined as number | undefined,
    delta: undefined as { atMs: number; position: number } | undefined,
  };

  private constructor(
    private readonly options: LearnerOptions,
    private readonly release: () => Promise<void>,
  ) {
    const snapshotPath = join(options.workDir, 'learner.checkpoint');
    this.learning = new EngineLearning(
      { ...options.config, learning: { ...options.config.learning, snapshotPath } },
      (id) => this.videos.get(id),
      options.residency,
    );
    this.order = new LogOrder(0, {
      apply: (event) => this.learn(event),
      reset: (userId) => this.learning.resetUser(userId),
      forget: (userId) => this.learning.forgetUser(userId),
    });
  }

  get consumerName(): string {
    return learnerConsumerName(this.options.sealedLog.subjects.stream, this.options.checkpoints.shard);
  }

  /** Events learned since this process started. */
  get eventsLearned(): number {
    return this.watched.eventsLearned;
  }

  /** The log position the state contains every event up to. */
  get position(): number {
    return this.learning.lastAppliedSeq;
  }

  private async restore(): Promise<void> {
    const { sealedLog, log, store, checkpoints, workDir } = this.options;
    // Changes are heard from before the epoch is read: no erasure can fall between the two unseen.
    const changes: ChangeMessage[] = [];
    let ready = false;
    this.subscription = sealedLog.nc.subscribe(changesSubject(sealedLog.subjects.stream), {
      callback: (err, msg) => {
        if (err) return;
        const message = msg.json<ChangeMessage>();
        if (ready) void this.follow(message);
        else changes.push(message);
      },
    });
    await sealedLog.nc.flush();
    this.epoch = await checkpoints.epoch();
    const checkpoint = await checkpoints.latest();
    const snapshotPath = join(workDir, 'learner.checkpoint');
    removeRegionalFiles(snapshotPath, this.options.residency.regions);
    if (checkpoint !== undefined) writeRegionalFiles(snapshotPath, checkpoint.snapshot);
    await this.learning.load(
      store,
      log,
      { onVideo: (v) => this.videos.set(v.id, v), onEvent: () => undefined },
      { fromSnapshot: checkpoint !== undefined, replay: false },
    );
    this.lastCheckpoint = checkpoint?.seq ?? -1;
    if (this.options.deltas !== undefined) await this.catchUpOnDeltas(this.options.deltas.stream, checkpoint?.deltas ?? NO_DELTAS);
    this.order.appliedSeq = this.learning.lastAppliedSeq;
    // Refreshes recorded after the checkpoint's position apply before the person's next event, as they happened.
    const { shard } = checkpoints;
    for (const [userId, afterSeq] of await store.listResets()) {
      if (afterSeq >= this.order.appliedSeq && shardOf(userId, shard.count) === shard.index) this.order.reset(userId, afterSeq);
    }
    ready = true;
    for (const message of changes) await this.follow(message);
    await this.consume();
    this.timer = setInterval(() => void this.checkpoint(), this.options.checkpointEveryMs);
    if (this.options.deltas !== undefined) this.deltaTimer = setInterval(() => void this.publishDelta(), this.options.deltas.everyMs);
  }

  /**
   * Applies the deltas published after the checkpoint, this shard's own included (they are in no checkpoint
   * yet, and are not learned again from the log), then keeps applying the other shards' as they arrive; from
   * then on this shard records what it learns for its own deltas.
   */
  private async catchUpOnDeltas(stream: DeltaStream, start: DeltaCursor): Promise<void> {
    const { shard } = this.options.checkpoints;
    const receiver = new DeltaReceiver(
      {
        stream,
        regions: this.options.residency.regions,
        shards: shard.count,
        self: shard.index,
        keys: this.options.log.keys,
        store: this.options.store,
        hasVideo: (id) => this.videos.has(id),
        addVideos: (videos) => {
          for (const v of videos) {
            this.videos.set(v.id, v);
            this.learning.putVideo(v);
          }
        },
        apply: (delta, sender, position) => {
          this.learning.deltas.apply(delta, () => sender === shard.index);
          if (sender === shard.index) this.learning.advanceTo(position);
        },
      },
      start,
    );
    this.receiver = receiver;
    this.checkpointStreamSeq = start.streamSeq;
    const end = await stream.lastSeq();
    let caughtUp: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    if (end <= start.streamSeq) caughtUp();
    this.deltaFollowing = await stream.follow(start.streamSeq, async (body, seq) => {
      await receiver.receive(body, seq);
      if (seq >= end) caughtUp();
    });
    await done;
    this.learning.deltas.record();
  }

  /** Publishes what this shard learned since its last delta, if it learned anything (the delta covers the log up to its position). */
  publishDelta(): Promise<void> {
    this.publishing = this.publishing
      .then(() => this.publishTaken(this.takeDelta()))
      .catch((err: unknown) => warn('delta_not_published', 'model delta not published', err));
    return this.publishing;
  }

  private takeDelta(): DeltaMessage | undefined {
    const receiver = this.receiver;
    if (receiver === undefined) return undefined;
    const { index, count } = this.options.checkpoints.shard;
    const position = this.learning.lastAppliedSeq;
    // Nothing learned since the last delta (a refresh alone rides with the next one).
    if (position <= receiver.appliedOf(index)) return undefined;
    const message = { shard: index, shards: count, position, delta: this.learning.deltas.take() };
    receiver.published(index, position);
    return message;
  }

  /** Publishes, retrying until JetStream has it: the other replicas must get every increment, and the message ids make a retry harmless. */
  private async publishTaken(message: DeltaMessage | undefined): Promise<void> {
    if (message === undefined) return;
    const { stream } = this.options.deltas!;
    await untilDone(
      `publishing the model delta up to ${message.position}`,
      () => stream.publish(message, this.options.log.keys, this.options.residency),
      () => this.stopped,
    );
    this.watched.delta = { atMs: Date.now(), position: message.position };
  }

  private async consume(): Promise<void> {
    const { sealedLog: log } = this.options;
    await log.jsm.consumers.delete(log.subjects.stream, this.consumerName).catch((err: unknown) => {
      if (!(err instanceof JetStreamApiError && err.code === 10014)) throw err; // consumer not found
    });
    await log.jsm.consumers.add(log.subjects.stream, {
      durable_name: this.consumerName,
      filter_subject: shardFilter(this.options.checkpoints.shard, log.subjects),
      ack_policy: AckPolicy.All,
      ack_wait: 10 * 60_000 * NANOS_PER_MS,
      // Acknowledged only once checkpointed: the default cap of 1,000 unacknowledged messages would stall delivery between checkpoints.
      max_ack_pending: -1,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.order.appliedSeq + 1,
    });
    const consumer = await log.js.consumers.get(log.subjects.stream, this.consumerName);
    const messages = await consumer.consume();
    this.messages = messages;
    this.consuming = (async () => {
      for await (const { item: m, result } of log.eventsOf(messages)) {
        await this.next(result).catch((err: unknown) => warn('event_not_learned', `event ${m.seq} not learned`, err));
        this.unacknowledged = m;
        this.watched.eventsLearned++;
        this.watched.lastLearnedAtMs = Number(m.info.timestampNanos) / 1_000_000;
        if (this.learning.deltas.peopleInNext >= MAX_PEOPLE_PER_DELTA || this.learning.deltas.itemEntriesInNext >= MAX_ITEM_ENTRIES_PER_DELTA)
          await this.publishDelta();
      }
    })();
  }

  /**
   * One message of the log's order: the event read from its region and opened with its person's key (skipped
   * if it is gone, or its key is: they were erased), then learned in order.
   */
  private async next(read: Promise<LoggedSealedEvent | undefined>): Promise<void> {
    const sealed = await read;
    const [event] = sealed === undefined ? [] : await this.options.log.open([sealed]);
    if (event !== undefined) await this.order.event(event);
  }

  private async learn(event: LoggedEvent): Promise<void> {
    let video = this.videos.get(event.videoId);
    if (video === undefined) {
      video = await this.options.store.getVideo(event.videoId);
      if (video === undefined) return;
      this.videos.set(video.id, video);
      this.learning.putVideo(video);
    }
    this.learning.observe(event, video);
  }

  private async follow({ change, epoch }: ChangeMessage): Promise<void> {
    if (change.kind === 'videos') {
      for (const v of change.videos) {
        this.videos.set(v.id, v);
        this.learning.putVideo(v);
      }
    } else if (change.kind === 'reset') {
      this.order.reset(change.userId, change.afterSeq);
    } else if (change.kind === 'erase') {
      this.options.log.keys.evict(change.userId);
      this.order.erase(change.userId, await this.options.log.lastSeq());
      this.epoch = Math.max(this.epoch, epoch ?? 0);
    }
  }

  /**
   * Writes a checkpoint if the state moved (or an erasure removed the last one), then acknowledges what it holds.
   * With deltas, the state is encoded in the same step as the delta of everything learned before it is taken,
   * and written once that delta is published: a checkpoint never holds an increment the other replicas lack.
   */
  checkpoint(): Promise<void> {
    this.checkpointing = this.checkpointing
      .then(async () => {
        const acknowledge = this.unacknowledged;
        const deltas = this.receiver?.position();
        // Unchanged since the last one, and that one still stands (an erasure deletes every checkpoint).
        const moved = this.learning.lastAppliedSeq !== this.lastCheckpoint || (deltas !== undefined && deltas.streamSeq !== this.checkpointStreamSeq);
        if (!moved && (await this.options.checkpoints.latestSeq()) === this.lastCheckpoint) return;
        let seq = 0;
        let snapshot!: RegionalSnapshot;
        let cursor: DeltaCursor | undefined;
        this.publishing = this.publishing.then(() => {
          const delta = this.takeDelta();
          seq = this.learning.lastAppliedSeq;
          snapshot = this.learning.encode();
          cursor = this.receiver?.position();
          return this.publishTaken(delta);
        });
        await this.publishing;
        const written = await this.options.checkpoints.write({ seq, snapshot, deltas: cursor }, this.epoch);
        if (!written) return; // an erasure came since: the next checkpoint, after it is applied, will be written
        this.lastCheckpoint = seq;
        this.watched.checkpointAtMs = Date.now();
        this.checkpointStreamSeq = cursor?.streamSeq ?? 0;
        if (acknowledge !== undefined && acknowledge.seq <= seq) acknowledge.ack();
      })
      .catch((err: unknown) => warn('checkpoint_not_written', 'checkpoint not written', err));
    return this.checkpointing;
  }

  /**
   * Where the learner stands: its lag (the messages of its part JetStream has not delivered yet, and how much
   * older the last learned one is than the newest of its part), what it learned, and when it last wrote a
   * checkpoint and published a delta.
   */
  async status(): Promise<LearnerStatus> {
    const { sealedLog: log } = this.options;
    const info = await log.jsm.consumers.info(log.subjects.stream, this.consumerName);
    const lagEvents = info.num_pending;
    let lagSeconds = 0;
    if (lagEvents > 0) {
      const newest = await log.jsm.streams
        .getMessage(log.subjects.stream, { last_by_subj: shardFilter(this.options.checkpoints.shard, log.subjects) })
        .catch(() => null);
      const learnedAt = this.watched.lastLearnedAtMs ?? this.watched.checkpointAtMs;
      lagSeconds = newest === null || learnedAt === undefined ? Number.NaN : Math.max(0, (newest.time.getTime() - learnedAt) / 1000);
    }
    const now = Date.now();
    const age = (at: number | undefined) => (at === undefined ? null : (now - at) / 1000);
    return {
      position: this.position,
      lagEvents,
      lagSeconds: Number.isNaN(lagSeconds) ? null : lagSeconds,
      eventsLearned: this.watched.eventsLearned,
      checkpointAgeSeconds: age(this.watched.checkpointAtMs),
      lastCheckpointSeq: this.lastCheckpoint,
      lastDelta: this.watched.delta === undefined ? null : { ageSeconds: age(this.watched.delta.atMs)!, position: this.watched.delta.position },
    };
  }

  /** Stops consuming, writes a last checkpoint and gives the role up. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.deltaTimer);
    this.subscription?.unsubscribe();
    await this.messages?.close();
    await this.consuming;
    await this.deltaFollowing?.close();
    if (this.messages !== undefined) await this.checkpoint();
    this.stopped = true;
    await this.release();
  }
}
