import { Worker } from 'node:worker_threads';
import type { LoggedEvent, WatchEvent } from '../../core/types.ts';
import { openSqlite, truncateWal, type SqliteDatabase } from '../../store/sqlite/database.ts';
import type { AppendOutcome, EventLog } from '../event-log.ts';
import { CREATE_EVENTS_TABLE, type AppendReply, type EventRow } from './events-table.ts';

interface StoredRow {
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

function fromRow(r: StoredRow): LoggedEvent {
  const e: LoggedEvent = { seq: r.seq, id: r.id, userId: r.user_id, videoId: r.video_id, type: r.type, ts: r.ts };
  if (r.watch_ms !== null) e.watchMs = r.watch_ms;
  if (r.session_id !== null) e.sessionId = r.session_id;
  if (r.position !== null) e.position = r.position;
  return e;
}

const toRow = (e: WatchEvent): EventRow => [e.id, e.userId, e.videoId, e.type, e.ts, e.watchMs ?? null, e.sessionId ?? null, e.position ?? null];

/**
 * The embedded event log: one SQLite table, the event id unique, the rowid as the sequence number.
 * Appends run on a writer thread (append-worker.ts); reads use this thread's own connection (WAL lets both run).
 */
export class SqliteEventLog implements EventLog {
  static open(path: string): SqliteEventLog {
    const db = openSqlite(path);
    db.exec(CREATE_EVENTS_TABLE);
    db.exec('CREATE INDEX IF NOT EXISTS events_by_user ON events (user_id)');
    return new SqliteEventLog(db, path);
  }

  private readonly writer: Worker;
  private readonly pending = new Map<number, { resolve: (seqs: number[]) => void; reject: (err: Error) => void }>();
  private nextRequestId = 0;

  private constructor(
    private readonly db: SqliteDatabase,
    path: string,
  ) {
    // The writer runs TypeScript too: it registers the same loader before importing its module.
    const tsx = import.meta.resolve('tsx/esm/api');
    const module = new URL('./append-worker.ts', import.meta.url).href;
    this.writer = new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(module)}); })`, {
      eval: true,
      workerData: { path },
    });
    this.writer.on('message', (reply: AppendReply) => {
      const waiting = this.pending.get(reply.requestId);
      this.pending.delete(reply.requestId);
      if (this.pending.size === 0) this.writer.unref();
      if ('error' in reply) waiting?.reject(new Error(`event log write failed: ${reply.error}`));
      else waiting?.resolve(reply.seqs);
    });
    this.writer.on('error', (err) => this.failAll(err));
    // The writer keeps the process alive only while a write is in flight: an unclosed log never hangs an exit.
    this.writer.unref();
    this.writer.on('exit', () => this.failAll(new Error('the event log writer stopped')));
  }

  private failAll(err: Error): void {
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }

  async append(events: readonly WatchEvent[]): Promise<AppendOutcome[]> {
    if (events.length === 0) return [];
    const requestId = ++this.nextRequestId;
    const seqs = await new Promise<number[]>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.writer.ref();
      this.writer.postMessage({ requestId, rows: events.map(toRow) });
    });
    return seqs.map((seq) => (seq === 0 ? { status: 'duplicate' } : { status: 'stored', seq }));
  }

  async readAfter(afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = this.db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as StoredRow[];
    return rows.map(fromRow);
  }

  async readByUser(userId: string): Promise<LoggedEvent[]> {
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
    const exited = new Promise((resolve) => this.writer.once('exit', resolve));
    this.writer.ref();
    this.writer.postMessage('close');
    await exited;
    this.db.close();
  }
}
