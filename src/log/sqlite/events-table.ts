/** The events table of the embedded log, shared by the log's reader and its writer thread. */
export const CREATE_EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  sealed TEXT NOT NULL
)`;

/** A null `seq` lets SQLite number the row; a node's regional logs share one numbering (src/residency/). */
export const INSERT_EVENT = `INSERT INTO events (seq, id, user_id, sealed) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`;

/** One event as the positional parameters of INSERT_EVENT: cheap to pass between threads. */
export type EventRow = [number | null, string, string, string];
