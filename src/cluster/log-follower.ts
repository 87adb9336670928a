import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import type { ClusterLink, EngineChange } from '../app/cluster-link.ts';
import type { Moteur } from '../app/moteur.ts';
import type { LoggedEvent } from '../core/types.ts';
import type { LoggedSealedEvent } from '../log/event-log.ts';
import type { NatsEventLog } from '../log/nats/nats-event-log.ts';
import type { PersonalEventLog } from '../trust/crypto/personal-event-log.ts';
import type { Checkpoints } from './checkpoints.ts';
import { LogOrder } from './log-order.ts';
import { changesSubject, type ChangeMessage } from './messages.ts';
import { DeltaReceiver, type DeltaCursor, type DeltaStream } from './model-deltas.ts';
import { ModerationStream } from './moderation-stream.ts';
import type { ModerationEntry } from '../safety/safety.ts';
import { warn } from '../core/warnings.ts';

/** A serving node that applies the learner shards' model deltas rather than learning the log: the stream, and where its checkpoint stands in it. */
export interface DeltaSource {
  stream: DeltaStream;
  start: DeltaCursor;
  shards: number;
  /** The regions the node serves: the people of the others are not fetched. */
  regions: readonly string[];
}

/**
 * A serving node's part in the cluster. It applies the changes made through other nodes and announces its
 * own, shares moderation with the other serving nodes through the moderation stream (moderation-stream.ts), and
 * keeps its models current in one of two ways:
 * - it follows the shared log from where its rebuilt state ends, through an ordered JetStream consumer
 *   (gap-free, recreated by the client after a disconnect), and learns from every event in log order;
 * - or, with learner shards running (`deltas`), it applies their model deltas as they arrive and learns no
 *   event itself (see model-deltas.ts).
 */
export class LogFollower implements ClusterLink {
  private order: LogOrder | undefined;
  private messages: ConsumerMessages | undefined;
  private subscription: Subscription | undefined;
  private following: Promise<void> | undefined;
  private deltaFollowing: { close(): Promise<void> } | undefined;
  private moderationFollowing: { close(): Promise<void> } | undefined;
  private moderation: Promise<ModerationStream> | undefined;

  constructor(
    /** The log as stored, which the node follows, and as the engine reads it, which opens what it follows. */
    private readonly sealedLog: NatsEventLog,
    private readonly log: PersonalEventLog,
    private readonly checkpoints: Checkpoints,
    private readonly nodeId: string,
    private readonly deltas?: DeltaSource,
  ) {}

  get learnsFromLog(): boolean {
    return this.deltas === undefined;
  }

  /** The last log position this node has learned from. */
  get appliedSeq(): number {
    return this.order?.appliedSeq ?? 0;
  }

  async attach(moteur: Moteur): Promise<void> {
    // Every decision in force applies before the node serves.
    this.moderationFollowing = await (await this.moderationStream()).follow((entry) => moteur.adoptModeration(entry));
    if (this.deltas !== undefined) return this.applyDeltas(moteur, this.deltas);
    const order = new LogOrder(moteur.learning.lastAppliedSeq, {
      apply: (event) => this.learn(moteur, event),
      reset: (userId) => moteur.applyChange({ kind: 'reset', userId, afterSeq: order.appliedSeq }),
      forget: (userId) => moteur.applyChange({ kind: 'erase', userId }),
    });
    this.order = order;
    const { nc, js, subjects } = this.sealedLog;
    this.subscription = nc.subscribe(changesSubject(subjects.stream), {
      callback: (err, msg) => {
        if (err) return;
        const { origin, change } = msg.json<ChangeMessage>();
        if (origin !== this.nodeId) void this.follow(moteur, change);
      },
    });
    const consumer = await js.consumers.get(subjects.stream, {
      filter_subjects: subjects.allEvents,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: order.appliedSeq + 1,
    });
    const messages = await consumer.consume();
    this.messages = messages;
    this.following = (async () => {
      for await (const { item: m, result } of this.sealedLog.eventsOf(messages)) {
        await this.next(order, result).catch((err: unknown) => warn('event_not_learned', `event ${m.seq} not learned`, err));
      }
    })();
  }

  /**
   * One message of the log's order: the event read from its region and opened with its person's key (skipped
   * if it is gone, or its key is: they were erased), then learned in order.
   */
  private async next(order: LogOrder, read: Promise<LoggedSealedEvent | undefined>): Promise<void> {
    const sealed = await read;
    const [event] = sealed === undefined ? [] : await this.log.open([sealed]);
    if (event !== undefined) await order.event(event);
  }

  private async learn(moteur: Moteur, event: LoggedEvent): Promise<void> {
    if (moteur.catalog.get(event.videoId) === undefined) {
      // Its catalog change has not arrived yet (or was missed): the store has the video.
      const video = await moteur.store.getVideo(event.videoId);
      if (video !== undefined) moteur.applyChange({ kind: 'videos', videos: [video] });
    }
    moteur.applyLogged(event);
  }

  private async applyDeltas(moteur: Moteur, { stream, start, shards, regions }: DeltaSource): Promise<void> {
    const { nc, subjects } = this.sealedLog;
    // Refreshes and erasures apply at once: the person's shard sends their state as it is after them.
    this.subscription = nc.subscribe(changesSubject(subjects.stream), {
      callback: (err, msg) => {
        if (err) return;
        const { origin, change } = msg.json<ChangeMessage>();
        if (origin !== this.nodeId) moteur.applyChange(change);
      },
    });
    const receiver = new DeltaReceiver(
      {
        stream,
        regions,
        shards,
        self: undefined,
        keys: this.log.keys,
        store: moteur.store,
        hasVideo: (id) => moteur.catalog.get(id) !== undefined,
        addVideos: (videos) => moteur.applyChange({ kind: 'videos', videos }),
        apply: (delta) => moteur.applyDelta(delta),
      },
      start,
    );
    this.deltaFollowing = await stream.follow(start.streamSeq, (body, seq) => receiver.receive(body, seq).then(() => undefined));
  }

  private async follow(moteur: Moteur, change: EngineChange): Promise<void> {
    if (change.kind === 'reset') this.order!.reset(change.userId, change.afterSeq);
    else if (change.kind === 'erase') this.order!.erase(change.userId, await this.log.lastSeq());
    else moteur.applyChange(change);
  }

  async publish(change: EngineChange): Promise<void> {
    const message: ChangeMessage = { origin: this.nodeId, change };
    if (change.kind === 'reset') this.order?.reset(change.userId, change.afterSeq);
    if (change.kind === 'erase') {
      // Checkpoints may hold the person: they go, even while the learner is down.
      message.epoch = await this.checkpoints.forgetAll();
      this.order?.erase(change.userId, await this.log.lastSeq());
    }
    this.sealedLog.nc.publish(changesSubject(this.sealedLog.subjects.stream), JSON.stringify(message));
    await this.sealedLog.nc.flush();
  }

  async shareModeration(entry: ModerationEntry): Promise<void> {
    await (await this.moderationStream()).publish(entry);
  }

  private moderationStream(): Promise<ModerationStream> {
    this.moderation ??= ModerationStream.open(this.sealedLog);
    return this.moderation;
  }

  async close(): Promise<void> {
    await this.moderationFollowing?.close();
    this.subscription?.unsubscribe();
    await this.messages?.close();
    await this.following;
    await this.deltaFollowing?.close();
  }
}
