/**
 * A cluster's API keys, in the shared schema: created once (`moteur keys create --store URL`), accepted by
 * every serving node within a second (each re-reads the table every `REFRESH_MS`), revoked everywhere at
 * once. Like the keys file, the table holds SHA-256 hashes, never keys. Each creation and revocation is
 * recorded in the one audit ledger once: the node that first sees it claims it (an `UPDATE ... RETURNING`
 * only one node's statement can win) and records it.
 */
import type pg from 'pg';
import { migrate, type Migration } from '../../store/postgres/migrations.ts';
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
    await this.pool.query('INSERT INTO api_keys (hash, principal, role, regions, created_at) VALUES ($1, $2, $3, $4, $5)', [hash, record.id, record.role, record.regions, record.createdAt]);
    return { apiKey, record };
  }

  /** Keys in force (never revoked ones). */
  async list(): Promise<Array<KeyRecord & { hash: string }>> {
    const { rows } = await this.pool.query<KeyRow>('SELECT hash, principal, role, regions, created_at FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at');
    return rows.map(recordOf);
  }

  /** Revokes the one key in force whose hash starts with `hashPrefix` (at least 8 hex digits, as `list` shows). */
  async revoke(hashPrefix: string): Promise<KeyRecord> {
    const keys = await this.list();
    const hash = oneHashStartingWith(hashPrefix, keys.map((k) => k.hash), `the keys of ${this.schema}`);
    await this.pool.query('UPDATE api_keys SET revoked_at = now() WHERE hash = $1', [hash]);
    return keys.find((k) => k.hash === hash)!;
  }

  /** Claims the creations and revocations no node has recorded yet: each is returned to exactly one caller. */
  async claimUnrecorded(): Promise<{ created: Array<KeyRecord & { hash: string }>; revoked: string[] }> {
    const created = await this.pool.query<KeyRow>('UPDATE api_keys SET created_recorded = true WHERE NOT created_recorded RETURNING hash, principal, role, regions, created_at');
    const revoked = await this.pool.query<{ hash: string }>('UPDATE api_keys SET revoked_recorded = true WHERE revoked_at IS NOT NULL AND NOT revoked_recorded RETURNING hash');
    return { created: created.rows.map(recordOf), revoked: revoked.rows.map((r) => r.hash) };
  }
}

/** A serving node's view of the shared keys, re-read every `REFRESH_MS`; what it claims to record goes to `onChanges`. */
export class SharedKeyRing implements KeySource {
  readonly howToCreate = HOW_TO_CREATE;
  private byHash = new Map<string, KeyRecord & { hash: string }>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** Set by whoever records them in the ledger; until then nothing is claimed. */
  onChanges: ((changes: Awaited<ReturnType<SharedKeys['claimUnrecorded']>>) => void) | undefined;

  constructor(private readonly keys: SharedKeys) {}

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
        if (this.onChanges === undefined) return;
        const changes = await this.keys.claimUnrecorded();
        if (changes.created.length > 0 || changes.revoked.length > 0) this.onChanges(changes);
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
