/**
 * The embedded ledger's file: one SQLite database per node, each batch one transaction (WAL, synchronous=FULL).
 * Synchronous, and used only by the ledger's own thread (sqlite-ledger-worker.ts), which alone writes the
 * file, so the size is kept in memory.
 */
import { openSqlite, type SqliteDatabase } from '../../store/sqlite/database.ts';
import { frontierKeys, grownNodes, nodeKey, type LedgerIdentity, type NodeKey } from './storage.ts';

export class SqliteLedgerFile {
  private readonly getNode;
  private readonly appendBatch;
  private count: number;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS leaves (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS identity (one INTEGER PRIMARY KEY CHECK (one = 1), verifier_key TEXT NOT NULL, salt_check TEXT NOT NULL);
    `);
    this.count = (db.prepare('SELECT COUNT(*) AS n FROM leaves').get() as { n: number }).n;
    this.getNode = db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck();
    const putNode = db.prepare('INSERT INTO nodes VALUES (?, ?, ?)');
    const putLeaf = db.prepare('INSERT INTO leaves VALUES (?, ?)');
    this.appendBatch = db.transaction((entries: readonly Buffer[]) => {
      const first = this.count;
      entries.forEach((bytes, j) => putLeaf.run(first + j, bytes));
      for (const n of grownNodes(first, this.nodes(frontierKeys(first)), entries)) putNode.run(n.level, n.index, n.hash);
      this.count += entries.length;
      return first;
    });
  }

  static open(path: string): SqliteLedgerFile {
    return new SqliteLedgerFile(openSqlite(path));
  }

  size(): number {
    return this.count;
  }

  /** Appends the entries in one transaction; returns the index of the first. */
  append(entries: readonly Buffer[]): number {
    return this.appendBatch(entries);
  }

  nodes(keys: readonly NodeKey[]): Map<string, Buffer> {
    const found = new Map<string, Buffer>();
    for (const { level, index } of keys) {
      const hash = this.getNode.get(level, index) as Buffer | undefined;
      if (hash !== undefined) found.set(nodeKey(level, index), hash);
    }
    return found;
  }

  entries(start: number, end: number): { index: number; bytes: Buffer }[] {
    const rows = this.db.prepare('SELECT idx, entry FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx').all(start, end) as { idx: number; entry: Buffer }[];
    return rows.map((r) => ({ index: r.idx, bytes: r.entry }));
  }

  bindIdentity(identity: LedgerIdentity): LedgerIdentity {
    this.db.prepare('INSERT OR IGNORE INTO identity VALUES (1, ?, ?)').run(identity.verifierKey, identity.saltCheck);
    const row = this.db.prepare('SELECT verifier_key, salt_check FROM identity').get() as { verifier_key: string; salt_check: string };
    return { verifierKey: row.verifier_key, saltCheck: row.salt_check };
  }

  close(): void {
    this.db.close();
  }
}
