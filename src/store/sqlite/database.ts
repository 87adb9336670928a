import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { ensurePrivateFile, makePrivateDir } from '../../core/private-files.ts';

export type SqliteDatabase = Database.Database;

/**
 * Opens an embedded database in WAL mode with synchronous=FULL: a commit returns only once it is on disk,
 * so whatever is acknowledged survives a crash of the process or of the machine. The file is private (0600):
 * SQLite gives its -wal and -shm files the database file's mode.
 */
export function openSqlite(path: string): SqliteDatabase {
  makePrivateDir(dirname(path));
  ensurePrivateFile(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Deleted content is overwritten, not left in free pages: erasure must be real.
  db.pragma('secure_delete = ON');
  return db;
}

/** Moves every committed page into the main file and empties the WAL, so no old page version survives there. */
export function truncateWal(db: SqliteDatabase): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}
