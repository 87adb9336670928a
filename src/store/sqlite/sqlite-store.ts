import type { User, Video } from '../../core/types.ts';
import type { ServedRow, Store, StoreCounts } from '../store.ts';
import { openSqlite, truncateWal, type SqliteDatabase } from './database.ts';
import { statSync } from 'node:fs';
import { embeddingToBytes } from '../embedding-bytes.ts';
import { videoFromColumns, type VideoColumns } from '../video-columns.ts';

type VideoRow = VideoColumns<string>;

interface UserRow {
  id: string;
  region: string;
  language: string;
  created_at: number;
  settings: string;
}

const videoFromRow = (r: VideoRow): Video => videoFromColumns(r, JSON.parse(r.hashtags) as string[]);

const userFromRow = (r: UserRow): User => ({
  id: r.id,
  region: r.region,
  language: r.language,
  createdAt: r.created_at,
  settings: JSON.parse(r.settings) as User['settings'],
});

const userParams = (u: User) => [u.id, u.region, u.language, u.createdAt, JSON.stringify(u.settings)];

/** The embedded store: catalog, users and what each user was served, in one SQLite file. */
export class SqliteStore implements Store {
  static open(path: string): SqliteStore {
    return new SqliteStore(openSqlite(path), path);
  }

  private readonly upsertVideo;
  private readonly upsertVideoBatch;
  private readonly insertUser;
  private readonly insertUsers;
  private readonly insertServed;
  private readonly servedBatch;

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly path: string,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS videos (
        id TEXT PRIMARY KEY, creator_id TEXT NOT NULL, duration_ms INTEGER NOT NULL, created_at INTEGER NOT NULL,
        caption TEXT NOT NULL, hashtags TEXT NOT NULL, sound_id TEXT NOT NULL, language TEXT NOT NULL,
        region TEXT NOT NULL, status TEXT NOT NULL, embedding BLOB
      );
      CREATE TABLE IF NOT EXISTS users (
        id TEXT PRIMARY KEY, region TEXT NOT NULL, language TEXT NOT NULL, created_at INTEGER NOT NULL, settings TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS resets (user_id TEXT PRIMARY KEY, after_seq INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS served (
        row_id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, video_id TEXT NOT NULL, ts INTEGER NOT NULL,
        UNIQUE (user_id, video_id)
      );
    `);
    this.upsertVideo = db.prepare(`INSERT INTO videos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET creator_id = excluded.creator_id, duration_ms = excluded.duration_ms,
        created_at = excluded.created_at, caption = excluded.caption, hashtags = excluded.hashtags,
        sound_id = excluded.sound_id, language = excluded.language, region = excluded.region,
        status = excluded.status, embedding = excluded.embedding`);
    this.upsertVideoBatch = db.transaction((videos: readonly Video[]) => {
      for (const v of videos) {
        const embedding = embeddingToBytes(v.embedding);
        this.upsertVideo.run(
          v.id,
          v.creatorId,
          v.durationMs,
          v.createdAt,
          v.caption,
          JSON.stringify(v.hashtags),
          v.soundId,
          v.language,
          v.region,
          v.status,
          embedding,
        );
      }
    });
    this.insertUser = db.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING');
    this.insertUsers = db.transaction((users: readonly User[]) => {
      for (const u of users) this.insertUser.run(...userParams(u));
    });
    this.insertServed = db.prepare('INSERT INTO served (user_id, video_id, ts) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.servedBatch = db.transaction((rows: readonly Omit<ServedRow, 'rowId'>[]) => {
      for (const r of rows) this.insertServed.run(r.userId, r.videoId, r.ts);
    });
  }

  async upsertVideos(videos: readonly Video[]): Promise<void> {
    if (videos.length > 0) this.upsertVideoBatch(videos);
  }

  async getVideo(id: string): Promise<Video | undefined> {
    const row = this.db.prepare('SELECT * FROM videos WHERE id = ?').get(id) as VideoRow | undefined;
    return row && videoFromRow(row);
  }

  async listVideos(afterId: string, limit: number): Promise<Video[]> {
    const rows = this.db.prepare('SELECT * FROM videos WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as VideoRow[];
    return rows.map(videoFromRow);
  }

  async getUser(id: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && userFromRow(row);
  }

  async putUser(user: User): Promise<void> {
    this.db
      .prepare(`INSERT INTO users VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET region = excluded.region,
        language = excluded.language, created_at = excluded.created_at, settings = excluded.settings`)
      .run(...userParams(user));
  }

  async insertMissingUsers(users: readonly User[]): Promise<void> {
    if (users.length > 0) this.insertUsers(users);
  }

  async listUsers(afterId: string, limit: number): Promise<User[]> {
    const rows = this.db.prepare('SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as UserRow[];
    return rows.map(userFromRow);
  }

  async recordServed(rows: readonly Omit<ServedRow, 'rowId'>[]): Promise<void> {
    if (rows.length > 0) this.servedBatch(rows);
  }

  async listServed(afterRowId: number, limit: number): Promise<ServedRow[]> {
    return this.db
      .prepare('SELECT row_id AS rowId, user_id AS userId, video_id AS videoId, ts FROM served WHERE row_id > ? ORDER BY row_id LIMIT ?')
      .all(afterRowId, limit) as ServedRow[];
  }

  async clearServed(userId: string): Promise<void> {
    this.db.prepare('DELETE FROM served WHERE user_id = ?').run(userId);
  }

  async servedTo(userId: string): Promise<{ videoId: string; ts: number }[]> {
    return this.db.prepare('SELECT video_id AS videoId, ts FROM served WHERE user_id = ? ORDER BY row_id').all(userId) as { videoId: string; ts: number }[];
  }

  async recordReset(userId: string, afterSeq: number): Promise<void> {
    this.db.prepare('INSERT INTO resets VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET after_seq = excluded.after_seq').run(userId, afterSeq);
  }

  async listResets(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT user_id AS userId, after_seq AS afterSeq FROM resets').all() as { userId: string; afterSeq: number }[];
    return new Map(rows.map((r) => [r.userId, r.afterSeq]));
  }

  async eraseUser(userId: string): Promise<void> {
    this.db.transaction(() => {
      for (const table of ['users', 'served', 'resets']) {
        this.db.prepare(`DELETE FROM ${table} WHERE ${table === 'users' ? 'id' : 'user_id'} = ?`).run(userId);
      }
    })();
    truncateWal(this.db);
  }

  async counts(): Promise<StoreCounts> {
    const count = (table: string) => (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    let bytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        bytes += statSync(this.path + suffix).size;
      } catch {
        // The WAL file exists only between checkpoints.
      }
    }
    return { videos: count('videos'), users: count('users'), served: count('served'), bytes };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
