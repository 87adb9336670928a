/** The events table of the embedded log, shared by the log's reader and its writer thread. */
export const CREATE_EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  video_id TEXT NOT NULL,
  type TEXT NOT NULL,
  ts INTEGER NOT NULL,
  watch_ms INTEGER,
  session_id TEXT,
  position INTEGER
)`;

export const INSERT_EVENT = `INSERT INTO events (id, user_id, video_id, type, ts, watch_ms, session_id, position)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`;

/** One event as the positional parameters of INSERT_EVENT: cheap to pass between threads. */
export type EventRow = [string, string, string, string, number, number | null, string | null, number | null];

export interface AppendRequest {
  requestId: number;
  rows: EventRow[];
}

/** The sequence number given to each row, 0 for a duplicate; or why the batch failed. */
export type AppendReply = { requestId: number; seqs: number[] } | { requestId: number; error: string };
