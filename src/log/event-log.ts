import type { LoggedEvent, WatchEvent } from '../core/types.ts';

export type AppendOutcome = { status: 'stored'; seq: number } | { status: 'duplicate' };

/**
 * The event log: the source of truth every model is derived from.
 * Implementations: SQLite (embedded, sqlite-event-log.ts) and NATS JetStream (scale-out).
 */
export interface EventLog {
  /**
   * Appends a batch and resolves only once every stored event is durable.
   * Outcomes are in input order; an id already in the log (or earlier in the batch) is a duplicate.
   */
  append(events: readonly WatchEvent[]): Promise<AppendOutcome[]>;
  /** Events with a sequence number greater than `afterSeq`, in log order, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]>;
  /** Every event of one person, in log order (for their data export). */
  readByUser(userId: string): Promise<LoggedEvent[]>;
  /** Deletes every event of one person so that it cannot be recovered from the files; returns how many. */
  eraseUser(userId: string): Promise<number>;
  /** The sequence number of the newest event, 0 when empty. */
  lastSeq(): Promise<number>;
  count(): Promise<number>;
  close(): Promise<void>;
}
