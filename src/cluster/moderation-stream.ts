/**
 * Moderation shared by a cluster's serving nodes, on the JetStream stream `<stream>_moderation`: each node
 * publishes the reports it took in and judged, the decisions made through it (moderators', reach freezes,
 * holds) and creators' appeals; every node applies the whole stream in stream order when it starts, before it
 * serves, then each entry as it comes. A serving node keeps moderation in memory, so the stream is its durable
 * record: a node started later, or restarted, knows every decision. An entry's message id is its own id, so a
 * re-publish within the de-duplication window is dropped, and a node skips an entry it knows already (its own).
 */
import { DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, type ConsumerMessages } from '@nats-io/jetstream';
import { warn } from '../core/warnings.ts';
import { addStream, type NatsEventLog } from '../log/nats/nats-event-log.ts';
import type { ModerationEntry } from '../safety/safety.ts';

const entryId = (entry: ModerationEntry): string => {
  switch (entry.kind) {
    case 'report':
      return `report:${entry.report.eventId}`;
    case 'decision':
      return `decision:${entry.decision.id}`;
    case 'appeal':
      return `appeal:${entry.appeal.id}`;
  }
};

export class ModerationStream {
  /** The moderation stream of the log, created if it does not exist yet. */
  static async open(log: NatsEventLog): Promise<ModerationStream> {
    const stream = new ModerationStream(log);
    await addStream(log.jsm, {
      name: stream.name,
      description: `moteur moderation shared by the serving nodes of ${log.subjects.stream}`,
      subjects: [stream.subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
    });
    return stream;
  }

  private constructor(private readonly log: NatsEventLog) {}

  get name(): string {
    return this.log.subjects.moderationStream;
  }

  private get subject(): string {
    return `${this.log.subjects.stream}.moderation`;
  }

  /** Resolves once JetStream has stored the entry. */
  async publish(entry: ModerationEntry): Promise<void> {
    await this.log.js.publish(this.subject, JSON.stringify(entry), { msgID: entryId(entry) });
  }

  /**
   * Applies every entry from the stream's start, then each new one; resolves once the entries stored before the
   * call are applied. An entry that does not parse is skipped with a warning.
   */
  async follow(apply: (entry: ModerationEntry) => void): Promise<{ close(): Promise<void> }> {
    const stored = (await this.log.jsm.streams.info(this.name)).state.last_seq;
    const consumer = await this.log.js.consumers.get(this.name, { deliver_policy: DeliverPolicy.All });
    const messages: ConsumerMessages = await consumer.consume();
    let caughtUp!: () => void;
    const ready = new Promise<void>((resolve) => (caughtUp = resolve));
    if (stored === 0) caughtUp();
    const following = (async () => {
      for await (const m of messages) {
        try {
          apply(m.json<ModerationEntry>());
        } catch (err) {
          warn('moderation_entry_skipped', `moderation entry ${m.seq} of ${this.name} not applied`, err);
        }
        if (m.seq >= stored) caughtUp();
      }
    })().finally(() => caughtUp());
    await ready;
    return {
      async close() {
        await messages.close();
        await following;
      },
    };
  }
}
