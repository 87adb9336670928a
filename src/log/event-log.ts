/**
 * An event as a log stores it: in clear only what it is found by, its id (idempotency) and its person
 * (export, erasure); what the person did (video, type, time, watch time, session, position) is `sealed`
 * by the engine under the person's own data key before it reaches any log (`src/trust/crypto/`), so
 * destroying that key makes every copy unreadable, wherever the log keeps it.
 */
export interface SealedEvent {
  id: string;
  userId: string;
  /** Opaque to the log: base64 of the encrypted event fields. */
  sealed: string;
}

/** A sealed event with its position in the log. */
export interface LoggedSealedEvent extends SealedEvent {
  seq: number;
}

export type AppendOutcome = { status: 'stored'; seq: number } | { status: 'duplicate' };

/**
 * The event log: the source of truth every model is derived from.
 * Implementations: SQLite (embedded, sqlite-event-log.ts) and NATS JetStream (scale-out).
 */
export interface EventLog {
  /**
   * Appends a batch and resolves only once every stored event is durable.
   * Outcomes are in input order; an id already in the log (or earlier in the batch) is a duplicate.
   * A log that can fail for some events of a batch and not others (JetStream) throws `PartialAppendError`
   * with each event's own outcome once every operation of the batch has finished.
   */
  append(events: readonly SealedEvent[]): Promise<AppendOutcome[]>;
  /** Events with a sequence number greater than `afterSeq`, in log order, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<LoggedSealedEvent[]>;
  /** Every event of one person, in log order (for their data export). */
  readByUser(userId: string): Promise<LoggedSealedEvent[]>;
  /** Deletes every event of one person so that it cannot be recovered from the files; returns how many. */
  eraseUser(userId: string): Promise<number>;
  /** The sequence number of the newest event, 0 when empty. */
  lastSeq(): Promise<number>;
  count(): Promise<number>;
  close(): Promise<void>;
}
