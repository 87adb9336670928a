/**
 * A cluster's API keys, in the shared schema: created once (`moteur keys create --store URL`), accepted by
 * every serving node within a second (each re-reads the table every `REFRESH_MS`), revoked everywhere at
 * once. Like the keys file, the table holds SHA-256 hashes, never keys. Each creation and revocation is
 * recorded in the one audit ledger exactly once: a node appends its entry and marks it recorded in one
 * transaction, with the change's row locked (`FOR UPDATE SKIP LOCKED`: another node passes over it). A node
 * that dies in between leaves neither, and the next node to look (or the same one restarted) records it.
 */
import type pg from 'pg';
import { inTransaction } from '../../store/postgres/connection.ts';
import { migrate, type Migration } from '../../store/postgres/migrations.ts';
import { canonicalEntry, type LedgerEntry } from '../ledger/ledger.ts';
import type { PostgresLedgerStorage } from '../ledger/postgres-ledger-storage.ts';
import { hashKey, newKey, oneHashStartingWith, type KeyRecord, type KeySource, type Principal } from './keys.ts';
import { isRole } from './vocabulary.ts';
import { messageOf } from '../../core/thrown.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'API keys',
    sql: `CREATE TABLE api_keys (hash text PRIMARY KEY, principal text NOT NULL, role text NOT NULL, regions text[] NOT NULL,
      created_at timestamptz NOT NULL, revoked_at timestamptz, created_recorded boolean NOT NULL DEFAULT false, revoked_recorded boolean NOT NULL DEFAULT false)`,
  },
];

/** How often a serving node re-reads the keys. */
export const REFRESH_MS = 1000;

const HOW_TO_CREATE = 'an operator creates one with `moteur keys create --store URL --id NAME --role app|analyst|auditor|admin --regions REGION`';

type KeyRow = { hash: string; principal: string; role: string; regions: string[]; created_at: Date };

const recordOf = (r: KeyRow): KeyRecord & { hash: string } => {
  if (!isRole(r.role)) throw new Error(`api_keys: key ${r.hash.slice(0, 12)} has no known role (${r.role})`);
  return { hash: r.hash, id: r.principal, role: r.role, regions: Object.freeze([...r.regions]), createdAt: r.created_at.toISOString() };
};

/** The keys table of a cluster's shared schema. */
export class SharedKeys {
  static async open(pool: pg.Pool, schema: string): Promise<SharedKeys> {
    await migrate(pool, schema, 'api-keys', MIGRATIONS);
    return new SharedKeys(pool, schema);
  }

  private constructor(
    readonly pool: pg.Pool,
    private readonly schema: string,
  ) {}

  /** Creates a key and returns it: the only time anyone sees it. */
  async create(principal: Principal): Promise<{ apiKey: string; record: KeyRecord }> {
    const { apiKey, hash, record } = newKey(`the keys of ${this.schema}`, principal);
    await this.pool.query('INSERT INTO api_keys (hash, principal, role, regions, created_at) VALUES ($1, $2, $3, $4, $5)', [
      hash,
      record.id,
      record.role,
      record.regions,
      record.createdAt,
    ]);
    return { apiKey, record };
  }

  /** Keys in force (never revoked ones). */
  async list(): Promise<Array<KeyRecord & { hash: string }>> {
    const { rows } = await this.pool.query<KeyRow>(
      'SELECT hash, principal, role, regions, created_at FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at',
    );
    return rows.map(recordOf);
  }

  /** Revokes the one key in force whose hash starts with `hashPrefix` (at least 8 hex digits, as `list` shows). */
  async revoke(hashPrefix: string): Promise<KeyRecord> {
    const keys = await this.list();
    const hash = oneHashStartingWith(
      hashPrefix,
      keys.map((k) => k.hash),
      `the keys of ${this.schema}`,
    );
    await this.pool.query('UPDATE api_keys SET revoked_at = now() WHERE hash = $1', [hash]);
    return keys.find((k) => k.hash === hash)!;
  }

  /**
   * Records the creations and revocations no node has recorded yet: `record` writes their ledger entries in
   * the transaction that marks them recorded, so both commit or neither does. A change another node is
   * recording at the moment is left to it.
   */
  async recordUnrecorded(record: (changes: KeyChanges, transaction: pg.PoolClient) => Promise<unknown>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const created = await client.query<KeyRow>(
        'SELECT hash, principal, role, regions, created_at FROM api_keys WHERE NOT created_recorded ORDER BY created_at, hash FOR UPDATE SKIP LOCKED',
      );
      const revoked = await client.query<{ hash: string }>(
        'SELECT hash FROM api_keys WHERE revoked_at IS NOT NULL AND NOT revoked_recorded ORDER BY revoked_at, hash FOR UPDATE SKIP LOCKED',
      );
      const changes = { created: created.rows.map(recordOf), revoked: revoked.rows.map((r) => r.hash) };
      if (changes.created.length === 0 && changes.revoked.length === 0) return;
      await record(changes, client);
      await client.query('UPDATE api_keys SET created_recorded = true WHERE hash = ANY($1)', [changes.created.map((k) => k.hash)]);
      await client.query('UPDATE api_keys SET revoked_recorded = true WHERE hash = ANY($1)', [changes.revoked]);
    });
  }
}

/** Key creations and revocations not yet in the ledger. */
export interface KeyChanges {
  created: Array<KeyRecord & { hash: string }>;
  revoked: string[];
}

/** A serving node's view of the shared keys, re-read every `REFRESH_MS`; the changes no node recorded yet, it records in the cluster's ledger. */
export class SharedKeyRing implements KeySource {
  readonly howToCreate = HOW_TO_CREATE;
  private byHash = new Map<string, KeyRecord & { hash: string }>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** The ledger entries of key changes, set by whoever decides what they say; until then nothing is recorded. */
  entriesFor: ((changes: KeyChanges) => LedgerEntry[]) | undefined;

  constructor(
    private readonly keys: SharedKeys,
    private readonly ledger: PostgresLedgerStorage,
  ) {}

  /** Reads the keys, then keeps re-reading them until `close`. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  principalForKey(apiKey: string): Principal | undefined {
    return this.byHash.get(hashKey(apiKey));
  }

  list(): Array<KeyRecord & { hash: string }> {
    return [...this.byHash.values()];
  }

  reload(): void {
    void this.refresh();
  }

  /** One read at a time; a failed read keeps the keys in force (PostgreSQL may be restarting). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const keys = await this.keys.list();
        this.byHash = new Map(keys.map((k) => [k.hash, k]));
        const entriesFor = this.entriesFor;
        if (entriesFor === undefined) return;
        await this.keys.recordUnrecorded((changes, transaction) => this.ledger.appendIn(transaction, entriesFor(changes).map(canonicalEntry)));
      } catch (err) {
        console.error(`API keys not re-read from the store: ${messageOf(err)}`);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
  }
}
