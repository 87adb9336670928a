import type { LoggedEvent, WatchEvent } from '../../core/types.ts';
import { openSqlite, type SqliteDatabase } from '../../store/sqlite/database.ts';
import type { AppendOutcome, EventLog } from '../event-log.ts';

interface EventRow {
  seq: number;
  id: string;
  user_id: string;
  video_id: string;
  type: WatchEvent['type'];
  ts: number;
  watch_ms: number | null;
  session_id: string | null;
  position: number | null;
}

function fromRow(r: EventRow): LoggedEvent {
  const e: LoggedEvent = { seq: r.seq, id: r.id, userId: r.user_id, videoId: r.video_id, type: r.type, ts: r.ts };
  if (r.watch_ms !== null) e.watchMs = r.watch_ms;
  if (r.session_id !== null) e.sessionId = r.session_id;
  if (r.position !== null) e.position = r.position;
  return e;
}

/** The embedded event log: one SQLite table, the event id unique, the rowid as the sequence number. */
export class SqliteEventLog implements EventLog {
  private readonly insert;
  private readonly appendBatch;

  static open(path: string): SqliteEventLog {
    return new SqliteEventLog(openSqlite(path));
  }

  private constructor(private readonly db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      user_id TEXT NOT NULL,
      video_id TEXT NOT NULL,
      type TEXT NOT NULL,
      ts INTEGER NOT NULL,
      watch_ms INTEGER,
      session_id TEXT,
      position INTEGER
    )`);
    this.insert = db.prepare(
      `INSERT INTO events (id, user_id, video_id, type, ts, watch_ms, session_id, position)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    );
    // One transaction per batch: a single fsync makes the whole batch durable at once.
    this.appendBatch = db.transaction((events: readonly WatchEvent[]): AppendOutcome[] =>
      events.map((e) => {
        const info = this.insert.run(e.id, e.userId, e.videoId, e.type, e.ts, e.watchMs ?? null, e.sessionId ?? null, e.position ?? null);
        return info.changes === 1 ? { status: 'stored', seq: Number(info.lastInsertRowid) } : { status: 'duplicate' };
      }),
    );
  }

  async append(events: readonly WatchEvent[]): Promise<AppendOutcome[]> {
    return events.length === 0 ? [] : this.appendBatch(events);
  }

  async readAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = this.db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as EventRow[];
    return rows.map(fromRow);
  }

  async lastSeq(): Promise<number> {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM events').get() as { n: number }).n;
  }

  async count(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
