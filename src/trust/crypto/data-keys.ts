/**
 * One data key per person (AES-256), stored wrapped by the node master key in a table of its own.
 * Destroying a person's key makes every copy of their sealed events unreadable (crypto-shredding): in the
 * log, in a replica, in a backup taken before the erasure.
 */
import { randomBytes } from 'node:crypto';
import { openSqlite, truncateWal, type SqliteDatabase } from '../../store/sqlite/database.ts';
import { decrypt, encrypt } from './aead.ts';

/** What a wrapped key is bound to, so a wrapped key copied onto another person's row does not open. */
export const wrapContext = (userId: string) => `moteur data key\u0000${userId}`;

/**
 * Where people's data keys live: this node's SQLite table (DataKeys), or a table every node of a cluster
 * shares (src/cluster/postgres-data-keys.ts). `keyOf` answers from memory: call `prepare` first with the
 * people about to be read, so a shared store is asked once per batch rather than once per event.
 */
export interface PersonKeys {
  prepare(userIds: Iterable<string>): Promise<void>;
  /** The person's key, or undefined when they have none (never had events, or were erased). */
  keyOf(userId: string): Buffer | undefined;
  /** Makes sure each person has a key, durably, before anything is sealed with it. */
  ensure(userIds: Iterable<string>): Promise<void> | void;
  destroy(userId: string): Promise<boolean> | boolean;
  /** Forgets a key held in memory: another node destroyed it. */
  evict(userId: string): void;
  close(): Promise<void> | void;
}

export class DataKeys implements PersonKeys {
  /** Unwrapped keys, filled on first use: a restart unwraps only the keys of people it reads. */
  private readonly cache = new Map<string, Buffer>();
  private readonly select;
  private readonly insertMany;

  static open(path: string, masterKey: Buffer): DataKeys {
    const db = openSqlite(path);
    db.exec('CREATE TABLE IF NOT EXISTS data_keys (user_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL) WITHOUT ROWID');
    return new DataKeys(db, masterKey);
  }

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly masterKey: Buffer,
  ) {
    this.select = db.prepare('SELECT wrapped FROM data_keys WHERE user_id = ?').pluck();
    const insert = db.prepare('INSERT INTO data_keys VALUES (?, ?) ON CONFLICT(user_id) DO NOTHING');
    this.insertMany = db.transaction((rows: [string, Buffer][]) => {
      for (const row of rows) insert.run(...row);
    });
  }

  /** Nothing to do: the local table answers `keyOf` directly. */
  async prepare(): Promise<void> {}

  /** The person's key, or undefined when they have none (never had events, or were erased). */
  keyOf(userId: string): Buffer | undefined {
    let key = this.cache.get(userId);
    if (key === undefined) {
      const wrapped = this.select.get(userId) as Buffer | undefined;
      if (wrapped === undefined) return undefined;
      key = decrypt(this.masterKey, wrapped, wrapContext(userId));
      this.cache.set(userId, key);
    }
    return key;
  }

  /** Makes sure each person has a key, writing the new ones durably (one transaction) before anything is sealed with them. */
  ensure(userIds: Iterable<string>): void {
    const fresh: [string, Buffer][] = [];
    const made = new Map<string, Buffer>();
    for (const userId of userIds) {
      if (made.has(userId) || this.keyOf(userId) !== undefined) continue;
      const key = randomBytes(32);
      made.set(userId, key);
      fresh.push([userId, encrypt(this.masterKey, key, wrapContext(userId))]);
    }
    if (fresh.length === 0) return;
    this.insertMany(fresh);
    for (const [userId, key] of made) this.cache.set(userId, key);
  }

  evict(userId: string): void {
    this.cache.get(userId)?.fill(0);
    this.cache.delete(userId);
  }

  /** Destroys the person's key: the row is overwritten on delete (secure_delete) and the WAL emptied. */
  destroy(userId: string): boolean {
    this.evict(userId);
    const { changes } = this.db.prepare('DELETE FROM data_keys WHERE user_id = ?').run(userId);
    truncateWal(this.db);
    return changes > 0;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM data_keys').get() as { n: number }).n;
  }

  close(): void {
    for (const key of this.cache.values()) key.fill(0);
    this.cache.clear();
    this.db.close();
  }
}
