import type pg from 'pg';
import type { User, Video } from '../../core/types.ts';
import { embeddingToBytes } from '../embedding-bytes.ts';
import { videoFromColumns, type VideoColumns } from '../video-columns.ts';
import type { ServedRow, Store, StoreCounts } from '../store.ts';
import { inTransaction, openPool, parsePostgresUrl } from './connection.ts';
import { migrate } from './migrations.ts';
import { STORE_MIGRATIONS } from './store-schema.ts';

type VideoRow = VideoColumns<string[]>;

interface UserRow {
  id: string;
  region: string;
  language: string;
  created_at: number;
  settings: User['settings'];
}

const videoFromRow = (r: VideoRow): Video => videoFromColumns(r, r.hashtags);

const userFromRow = (r: UserRow): User => ({ id: r.id, region: r.region, language: r.language, createdAt: r.created_at, settings: r.settings });

/** The last item of each id: an upsert batch that names a row twice keeps the later version, as one by one would. */
function lastById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

/** Column arrays for a batch of users, in the order of the `users` table. */
const userColumns = (users: readonly User[]) => [
  users.map((u) => u.id),
  users.map((u) => u.region),
  users.map((u) => u.language),
  users.map((u) => u.createdAt),
  users.map((u) => JSON.stringify(u.settings)),
];
const UNNEST_USERS = 'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::jsonb[])';

/**
 * The scale-out store: the same tables as the embedded one in a PostgreSQL schema, created by versioned
 * migrations at open. Every batch is one statement over `unnest` of column arrays, so its cost is one round trip.
 */
export class PostgresStore implements Store {
  /** Opens `postgres://...[?schema=name]` and brings the schema up to date. */
  static async open(url: string): Promise<PostgresStore> {
    const target = parsePostgresUrl(url);
    const pool = openPool(target);
    try {
      await migrate(pool, target.schema, 'store', STORE_MIGRATIONS);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool, target.schema);
  }

  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  async upsertVideos(videos: readonly Video[]): Promise<void> {
    if (videos.length === 0) return;
    const batch = lastById(videos);
    await this.pool.query(
      `INSERT INTO videos
       SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::text[], $6::jsonb[], $7::text[],
                            $8::text[], $9::text[], $10::text[], $11::bytea[])
       ON CONFLICT (id) DO UPDATE SET creator_id = excluded.creator_id, duration_ms = excluded.duration_ms,
         created_at = excluded.created_at, caption = excluded.caption, hashtags = excluded.hashtags,
         sound_id = excluded.sound_id, language = excluded.language, region = excluded.region,
         status = excluded.status, embedding = excluded.embedding`,
      [
        batch.map((v) => v.id),
        batch.map((v) => v.creatorId),
        batch.map((v) => v.durationMs),
        batch.map((v) => v.createdAt),
        batch.map((v) => v.caption),
        batch.map((v) => JSON.stringify(v.hashtags)),
        batch.map((v) => v.soundId),
        batch.map((v) => v.language),
        batch.map((v) => v.region),
        batch.map((v) => v.status),
        batch.map((v) => embeddingToBytes(v.embedding)),
      ],
    );
  }

  async getVideo(id: string): Promise<Video | undefined> {
    const { rows } = await this.pool.query<VideoRow>('SELECT * FROM videos WHERE id = $1', [id]);
    return rows[0] && videoFromRow(rows[0]);
  }

  async listVideos(afterId: string, limit: number): Promise<Video[]> {
    const { rows } = await this.pool.query<VideoRow>('SELECT * FROM videos WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit]);
    return rows.map(videoFromRow);
  }

  async getUser(id: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] && userFromRow(rows[0]);
  }

  async putUser(user: User): Promise<void> {
    await this.pool.query(
      `INSERT INTO users ${UNNEST_USERS} ON CONFLICT (id) DO UPDATE SET region = excluded.region,
         language = excluded.language, created_at = excluded.created_at, settings = excluded.settings`,
      userColumns([user]),
    );
  }

  async insertMissingUsers(users: readonly User[]): Promise<void> {
    if (users.length > 0) await this.pool.query(`INSERT INTO users ${UNNEST_USERS} ON CONFLICT (id) DO NOTHING`, userColumns(users));
  }

  async listUsers(afterId: string, limit: number): Promise<User[]> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit]);
    return rows.map(userFromRow);
  }

  async recordServed(rows: readonly Omit<ServedRow, 'rowId'>[]): Promise<void> {
    if (rows.length === 0) return;
    await this.pool.query(`INSERT INTO served (user_id, video_id, ts) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING`, [
      rows.map((r) => r.userId),
      rows.map((r) => r.videoId),
      rows.map((r) => r.ts),
    ]);
  }

  async listServed(afterRowId: number, limit: number): Promise<ServedRow[]> {
    const { rows } = await this.pool.query<ServedRow>(
      'SELECT row_id AS "rowId", user_id AS "userId", video_id AS "videoId", ts FROM served WHERE row_id > $1 ORDER BY row_id LIMIT $2',
      [afterRowId, limit],
    );
    return rows;
  }

  async clearServed(userId: string): Promise<void> {
    await this.pool.query('DELETE FROM served WHERE user_id = $1', [userId]);
  }

  async servedTo(userId: string): Promise<{ videoId: string; ts: number }[]> {
    const { rows } = await this.pool.query<{ videoId: string; ts: number }>('SELECT video_id AS "videoId", ts FROM served WHERE user_id = $1 ORDER BY row_id', [
      userId,
    ]);
    return rows;
  }

  async recordReset(userId: string, afterSeq: number): Promise<void> {
    await this.pool.query('INSERT INTO resets VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET after_seq = excluded.after_seq', [userId, afterSeq]);
  }

  async listResets(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ user_id: string; after_seq: number }>('SELECT user_id, after_seq FROM resets');
    return new Map(rows.map((r) => [r.user_id, r.after_seq]));
  }

  /**
   * Deletes the person's rows in one transaction: no query can see them afterwards. PostgreSQL keeps the
   * dead tuples' bytes in the table files until vacuum reuses the space, and in WAL segments until they are
   * recycled; docs/scaling.md says what that means and how deployments close the gap.
   */
  async eraseUser(userId: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM users WHERE id = $1', [userId]);
      await client.query('DELETE FROM served WHERE user_id = $1', [userId]);
      await client.query('DELETE FROM resets WHERE user_id = $1', [userId]);
    });
  }

  async counts(): Promise<StoreCounts> {
    const { rows } = await this.pool.query<StoreCounts>(`SELECT
      (SELECT COUNT(*) FROM videos) AS videos, (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM served) AS served,
      (SELECT SUM(pg_total_relation_size(t::regclass)) FROM unnest(ARRAY['videos', 'users', 'served', 'resets']) AS t)::bigint AS bytes`);
    return rows[0]!;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
