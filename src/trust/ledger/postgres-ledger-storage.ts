/**
 * The cluster's ledger storage: one tree in PostgreSQL that every node appends to. An append is one
 * transaction that locks the single `ledger_head` row (`SELECT ... FOR UPDATE`), reads the size and the
 * right-edge nodes, writes the new entries and nodes in one statement each, and moves the size on. Appenders
 * on any node queue on that row lock, so there is one append order and no fork, with no writer to elect or
 * hand over: a node that dies mid-append holds nothing once its transaction rolls back.
 */
import type pg from 'pg';
import { inTransaction, openPool, parsePostgresUrl } from '../../store/postgres/connection.ts';
import { migrate, type Migration } from '../../store/postgres/migrations.ts';
import { frontierKeys, grownNodes, nodeKey, type LedgerIdentity, type LedgerStorage, type NodeKey } from './storage.ts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit ledger: entries, subtree hashes and the head',
    sql: `
      CREATE TABLE ledger_entries (idx bigint PRIMARY KEY, entry bytea NOT NULL);
      CREATE TABLE ledger_nodes (level smallint NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx));
      CREATE TABLE ledger_head (
        one boolean PRIMARY KEY DEFAULT true CHECK (one), size bigint NOT NULL,
        verifier_key text, salt_check text
      );
      INSERT INTO ledger_head (size) VALUES (0);`,
  },
];

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

async function readNodes(db: Queryable, keys: readonly NodeKey[]): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (keys.length === 0) return found;
  const { rows } = await db.query<{ level: number; idx: number; hash: Buffer }>(
    'SELECT n.level, n.idx, n.hash FROM ledger_nodes n JOIN unnest($1::smallint[], $2::bigint[]) AS k(level, idx) USING (level, idx)',
    [keys.map((k) => k.level), keys.map((k) => k.index)],
  );
  for (const r of rows) found.set(nodeKey(r.level, r.idx), r.hash);
  return found;
}

export class PostgresLedgerStorage implements LedgerStorage {
  /** On a pool the caller owns (the store's): the tables go in `schema`, next to the store's. */
  static async open(pool: pg.Pool, schema: string): Promise<PostgresLedgerStorage> {
    await migrate(pool, schema, 'ledger', MIGRATIONS);
    return new PostgresLedgerStorage(pool, false);
  }

  /** On a pool of its own, closed with the storage: `postgres://...[?schema=name]`. */
  static async connect(url: string): Promise<PostgresLedgerStorage> {
    const target = parsePostgresUrl(url);
    const pool = openPool(target, 2);
    try {
      await migrate(pool, target.schema, 'ledger', MIGRATIONS);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresLedgerStorage(pool, true);
  }

  private constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
  ) {}

  async size(): Promise<number> {
    return (await this.pool.query<{ size: number }>('SELECT size FROM ledger_head')).rows[0]!.size;
  }

  append(entries: readonly Buffer[]): Promise<number> {
    return inTransaction(this.pool, (client) => this.appendIn(client, entries));
  }

  /**
   * Appends within a transaction the caller holds on this storage's database, so the entries commit or
   * roll back with the caller's own writes (a key change marked recorded, say); returns the first index.
   */
  async appendIn(client: pg.PoolClient, entries: readonly Buffer[]): Promise<number> {
    const first = (await client.query<{ size: number }>('SELECT size FROM ledger_head FOR UPDATE')).rows[0]!.size;
    const formed = grownNodes(first, await readNodes(client, frontierKeys(first)), entries);
    await client.query('INSERT INTO ledger_entries SELECT * FROM unnest($1::bigint[], $2::bytea[])', [entries.map((_, j) => first + j), entries]);
    await client.query('INSERT INTO ledger_nodes SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])', [
      formed.map((n) => n.level),
      formed.map((n) => n.index),
      formed.map((n) => n.hash),
    ]);
    await client.query('UPDATE ledger_head SET size = $1', [first + entries.length]);
    return first;
  }

  nodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>> {
    return readNodes(this.pool, keys);
  }

  async entries(start: number, end: number): Promise<{ index: number; bytes: Buffer }[]> {
    const { rows } = await this.pool.query<{ idx: number; entry: Buffer }>('SELECT idx, entry FROM ledger_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx', [
      start,
      end,
    ]);
    return rows.map((r) => ({ index: r.idx, bytes: r.entry }));
  }

  async bindIdentity(identity: LedgerIdentity): Promise<LedgerIdentity> {
    const { rows } = await this.pool.query<{ verifier_key: string; salt_check: string }>(
      `UPDATE ledger_head SET verifier_key = COALESCE(verifier_key, $1), salt_check = COALESCE(salt_check, $2) RETURNING verifier_key, salt_check`,
      [identity.verifierKey, identity.saltCheck],
    );
    return { verifierKey: rows[0]!.verifier_key, saltCheck: rows[0]!.salt_check };
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
