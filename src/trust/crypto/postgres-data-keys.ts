/**
 * People's data keys in PostgreSQL, shared by every node of a cluster, wrapped by the master key the nodes
 * share (the same file on each node, or a KMS). Keys are unwrapped into memory on first use; a node that
 * hears that another erased a person drops their key from memory (`evict`).
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { migrate, type Migration } from '../../store/postgres/migrations.ts';
import { decrypt, encrypt } from './aead.ts';
import { wrapContext, type PersonKeys } from './data-keys.ts';

const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'data keys', sql: 'CREATE TABLE data_keys (user_id text PRIMARY KEY, wrapped bytea NOT NULL)' }];

export class PostgresDataKeys implements PersonKeys {
  static async open(pool: pg.Pool, schema: string, masterKey: Buffer): Promise<PostgresDataKeys> {
    await migrate(pool, schema, 'data-keys', MIGRATIONS);
    return new PostgresDataKeys(pool, masterKey);
  }

  /** Whether the master key opens the data keys stored in the schema (true when there are none): tried on one. */
  static async opensStoredKeys(pool: pg.Pool, masterKey: Buffer): Promise<boolean> {
    const { rows } = await pool.query<{ user_id: string; wrapped: Buffer }>('SELECT user_id, wrapped FROM data_keys LIMIT 1');
    if (rows[0] === undefined) return true;
    try {
      decrypt(masterKey, rows[0].wrapped, wrapContext(rows[0].user_id)).fill(0);
      return true;
    } catch {
      return false;
    }
  }

  private readonly cache = new Map<string, Buffer>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly masterKey: Buffer,
  ) {}

  async prepare(userIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(userIds)].filter((id) => !this.cache.has(id));
    if (missing.length === 0) return;
    const { rows } = await this.pool.query<{ user_id: string; wrapped: Buffer }>('SELECT user_id, wrapped FROM data_keys WHERE user_id = ANY($1)', [missing]);
    for (const r of rows) this.cache.set(r.user_id, decrypt(this.masterKey, r.wrapped, wrapContext(r.user_id)));
  }

  keyOf(userId: string): Buffer | undefined {
    return this.cache.get(userId);
  }

  /** New people get a key; when two nodes make one for the same person at once, both keep the one stored first. */
  async ensure(userIds: Iterable<string>): Promise<void> {
    await this.prepare(userIds);
    const fresh = [...new Set(userIds)].filter((id) => !this.cache.has(id));
    if (fresh.length === 0) return;
    const wrapped = fresh.map((id) => encrypt(this.masterKey, randomBytes(32), wrapContext(id)));
    await this.pool.query('INSERT INTO data_keys SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (user_id) DO NOTHING', [fresh, wrapped]);
    await this.prepare(fresh);
  }

  /**
   * Deletes the person's key row. PostgreSQL keeps a dead row's bytes until vacuum reuses its space, but they
   * are the key wrapped by the master key: docs/scaling.md says how a deployment closes that gap.
   */
  async destroy(userId: string): Promise<boolean> {
    this.evict(userId);
    const { rowCount } = await this.pool.query('DELETE FROM data_keys WHERE user_id = $1', [userId]);
    return rowCount === 1;
  }

  evict(userId: string): void {
    this.cache.get(userId)?.fill(0);
    this.cache.delete(userId);
  }

  close(): void {
    for (const key of this.cache.values()) key.fill(0);
    this.cache.clear();
  }
}
