import { JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import { createInbox, headers, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from '@nats-io/transport-node';

/** How long an acknowledgement is awaited before the publish fails, as the client's own publish does by default. */
const DEFAULT_ACK_TIMEOUT_MS = 5000;
/** NATS's status for a message no subscriber took: no stream holds its subject. */
const NO_RESPONDERS = 503;
const EXPECTED_LAST_SUBJECT_SEQUENCE = 'Nats-Expected-Last-Subject-Sequence';
const EXPECT_EMPTY_SUBJECT = headers();
EXPECT_EMPTY_SUBJECT.set(EXPECTED_LAST_SUBJECT_SEQUENCE, '0');

interface Awaited {
  resolve(ack: PubAck): void;
  reject(error: Error): void;
  sentAt: number;
}

/** What a publish asks of JetStream: a message id for its de-duplication, or that the subject holds nothing yet. */
export interface PublishOptions {
  msgID?: string;
  expectEmptySubject?: boolean;
}

/**
 * Publishes to JetStream and awaits each acknowledgement, for less client CPU than the client's own
 * `js.publish`, which makes a request per message, each with its timer, promise chain and text decoder
 * (with it the log cost three times the client CPU per event: `npm run bench:nats-log`). Here every
 * acknowledgement comes to one subscription, matched to its publish by the reply subject's token, and one
 * timer fails those overdue. JetStream's guarantees are the same: a publish resolves once the stream
 * stored the message, with its sequence, or rejects with JetStream's error. Publishes are sent in the order
 * they are made, and on one connection arrive in that order.
 */
export class JetStreamPublisher {
  private readonly prefix = createInbox();
  private readonly awaited = new Map<number, Awaited>();
  private readonly subscription: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private next = 0;
  private queued: { token: number; subject: string; data: string | Uint8Array; options: PublishOptions }[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS,
  ) {
    this.subscription = nc.subscribe(`${this.prefix}.*`, {
      callback: (err, m) => {
        if (err === null) this.acknowledged(m);
      },
    });
    this.sweeper = setInterval(() => this.failOverdue(), ackTimeoutMs / 5).unref();
  }

  publish(subject: string, data: string | Uint8Array, options: PublishOptions = {}): Promise<PubAck> {
    const token = this.next++;
    const promise = new Promise<PubAck>((resolve, reject) => this.awaited.set(token, { resolve, reject, sentAt: Date.now() }));
    if (this.queued.length === 0) setImmediate(() => this.send());
    this.queued.push({ token, subject, data, options });
    return promise;
  }

  /**
   * Sends what was published since the last turn of the event loop, in one go: the client writes what is
   * published in one turn to the socket at once. Sent as they were made, the publishes of a batch went out a
   * few at a time, as acknowledgements came back, for about 1.5 times the client CPU per event.
   */
  private send(): void {
    const queued = this.queued;
    this.queued = [];
    for (const { token, subject, data, options } of queued) {
      try {
        const h = this.headersOf(options);
        const reply = `${this.prefix}.${token}`;
        this.nc.publish(subject, data, h === undefined ? { reply } : { reply, headers: h });
      } catch (err) {
        this.settle(token)?.reject(err as Error);
      }
    }
  }

  /** A message id makes headers of their own; the expectation alone is the same every time, and set once. */
  private headersOf({ msgID, expectEmptySubject }: PublishOptions): MsgHdrs | undefined {
    if (msgID === undefined) return expectEmptySubject ? EXPECT_EMPTY_SUBJECT : undefined;
    const h = headers();
    h.set('Nats-Msg-Id', msgID);
    if (expectEmptySubject) h.set(EXPECTED_LAST_SUBJECT_SEQUENCE, '0');
    return h;
  }

  /** Stops awaiting: what is still unacknowledged fails. */
  close(): void {
    clearInterval(this.sweeper);
    this.subscription.unsubscribe();
    this.queued = [];
    for (const token of [...this.awaited.keys()]) this.settle(token)!.reject(new Error('the JetStream publisher was closed'));
  }

  private acknowledged(m: Msg): void {
    const awaited = this.settle(Number(m.subject.slice(this.prefix.length + 1)));
    if (awaited === undefined) return; // already failed as overdue
    if (m.data.length === 0 && m.headers?.code === NO_RESPONDERS) {
      awaited.reject(new Error('no JetStream stream holds the subject of this message'));
      return;
    }
    try {
      const reply = JSON.parse(m.string()) as PubAck & { error?: ConstructorParameters<typeof JetStreamApiError>[0] };
      if (reply.error !== undefined) throw new JetStreamApiError(reply.error);
      reply.duplicate = reply.duplicate ?? false;
      awaited.resolve(reply);
    } catch (err) {
      awaited.reject(err as Error);
    }
  }

  private settle(token: number): Awaited | undefined {
    const awaited = this.awaited.get(token);
    this.awaited.delete(token);
    return awaited;
  }

  /** Publishes are awaited in the order they were made, so the overdue ones are the first. */
  private failOverdue(): void {
    const due = Date.now() - this.ackTimeoutMs;
    for (const [token, { sentAt }] of this.awaited) {
      if (sentAt > due) return;
      this.settle(token)!.reject(new Error(`JetStream did not acknowledge a publish within ${this.ackTimeoutMs} ms`));
    }
  }
}
