import { MoteurError } from '../../core/errors.ts';
import { RequestWorker } from '../../core/request-worker.ts';
import { openSqlite, truncateWal, type SqliteDatabase } from '../../store/sqlite/database.ts';
import type { AppendOutcome, EventLog, LoggedSealedEvent, SealedEvent } from '../event-log.ts';
import { CREATE_EVENTS_TABLE, type EventRow } from './events-table.ts';

interface StoredRow {
  seq: number;
  id: string;
  user_id: string;
  sealed: string;
}

const fromRow = (r: StoredRow): LoggedSealedEvent => ({ seq: r.seq, id: r.id, userId: r.user_id, sealed: r.sealed });

const toRow = (e: SealedEvent, seq: number | null): EventRow => [seq, e.id, e.userId, e.sealed];

/**
 * The embedded event log: one SQLite table, the event id unique, the rowid as the sequence number.
 * Appends run on a writer thread (append-worker.ts); reads use this thread's own connection (WAL lets both run).
 */
export class SqliteEventLog implements EventLog {
  static open(path: string): SqliteEventLog {
    const db = openSqlite(path);
    db.exec(CREATE_EVENTS_TABLE);
    const columns = (db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('sealed')) {
      db.close();
      throw new MoteurError(
        'data_format',
        `${path} holds events in clear, written by an earlier version; export them with that version and import them into a new data directory`,
      );
    }
    db.exec('CREATE INDEX IF NOT EXISTS events_by_user ON events (user_id)');
    return new SqliteEventLog(db, path);
  }

  /** Appends run here: the reply is the sequence number of each row (0 for a duplicate), once on disk. */
  private readonly writer: RequestWorker<EventRow[], number[]>;

  private constructor(
    private readonly db: SqliteDatabase,
    path: string,
  ) {
    this.writer = new RequestWorker(new URL('./append-worker.ts', import.meta.url), { path }, 'event log write');
  }

  /** `at`, when given, holds the sequence numbers to store the events at (one per event, increasing). */
  async append(events: readonly SealedEvent[], at?: readonly number[]): Promise<AppendOutcome[]> {
    if (events.length === 0) return [];
    const seqs = await this.writer.request(events.map((e, i) => toRow(e, at?.[i] ?? null)));
    return seqs.map((seq) => (seq === 0 ? { status: 'duplicate' } : { status: 'stored', seq }));
  }

  async readAfter(afterSeq: number, limit: number): Promise<LoggedSealedEvent[]> {
    const rows = this.db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as StoredRow[];
    return rows.map(fromRow);
  }

  async readByUser(userId: string): Promise<LoggedSealedEvent[]> {
    const rows = this.db.prepare('SELECT * FROM events WHERE user_id = ? ORDER BY seq').all(userId) as StoredRow[];
    return rows.map(fromRow);
  }

  async eraseUser(userId: string): Promise<number> {
    const { changes } = this.db.prepare('DELETE FROM events WHERE user_id = ?').run(userId);
    truncateWal(this.db);
    return changes;
  }

  async lastSeq(): Promise<number> {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM events').get() as { n: number }).n;
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  async close(): Promise<void> {
    await this.writer.close();
    this.db.close();
  }
}
