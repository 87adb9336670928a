import type { Migration } from './migrations.ts';

/** The store's tables. Timestamps are epoch milliseconds (bigint), as everywhere in moteur. */
export const STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'catalog, users, resets and serving history',
    sql: `
      CREATE TABLE videos (
        id text PRIMARY KEY, creator_id text NOT NULL, duration_ms integer NOT NULL, created_at bigint NOT NULL,
        caption text NOT NULL, hashtags jsonb NOT NULL, sound_id text NOT NULL, language text NOT NULL,
        region text NOT NULL, status text NOT NULL, embedding bytea
      );
      CREATE TABLE users (
        id text PRIMARY KEY, region text NOT NULL, language text NOT NULL, created_at bigint NOT NULL, settings jsonb NOT NULL
      );
      CREATE TABLE resets (user_id text PRIMARY KEY, after_seq bigint NOT NULL);
      CREATE TABLE served (
        row_id bigserial PRIMARY KEY, user_id text NOT NULL, video_id text NOT NULL, ts bigint NOT NULL,
        UNIQUE (user_id, video_id)
      );`,
  },
];
