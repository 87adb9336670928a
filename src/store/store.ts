import type { User, Video } from '../core/types.ts';

export interface StoreCounts {
  videos: number;
  users: number;
  served: number;
  /** Bytes on disk, when the store can tell. */
  bytes?: number;
}

export interface ServedRow {
  rowId: number;
  userId: string;
  videoId: string;
  ts: number;
}

/**
 * Catalog, users and per-user serving state.
 * Implementations: SQLite (embedded, sqlite-store.ts) and PostgreSQL (scale-out).
 */
export interface Store {
  upsertVideos(videos: readonly Video[]): Promise<void>;
  getVideo(id: string): Promise<Video | undefined>;
  /** Videos in id order after `afterId` (exclusive), for loading the catalog page by page. */
  listVideos(afterId: string, limit: number): Promise<Video[]>;

  getUser(id: string): Promise<User | undefined>;
  putUser(user: User): Promise<void>;
  /** Inserts the users that do not exist yet; existing ones are left untouched. */
  insertMissingUsers(users: readonly User[]): Promise<void>;
  listUsers(afterId: string, limit: number): Promise<User[]>;

  /** Remembers which videos were served to whom, in one write, so they are not served again. */
  recordServed(rows: readonly Omit<ServedRow, 'rowId'>[]): Promise<void>;
  /** Every (user, video) pair served so far, for rebuilding state at start. */
  listServed(afterRowId: number, limit: number): Promise<ServedRow[]>;
  /** Forgets what was served to the user (when the whole catalog has been shown). */
  clearServed(userId: string): Promise<void>;
  /** The videos served to one person, oldest first (for their data export). */
  servedTo(userId: string): Promise<{ videoId: string; ts: number }[]>;

  /** Learning for this person starts over after this log position (a "refresh" of their feed). */
  recordReset(userId: string, afterSeq: number): Promise<void>;
  listResets(): Promise<Map<string, number>>;

  /** Deletes everything stored about one person so that it cannot be recovered from the files. */
  eraseUser(userId: string): Promise<void>;

  counts(): Promise<StoreCounts>;
  close(): Promise<void>;
}
