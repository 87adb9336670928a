/**
 * The audit ledger: an append-only RFC 9162 Merkle tree in SQLite. Each complete subtree's hash is stored
 * as it forms, so an append writes O(log n) nodes and a proof reads O(log n) of them.
 * Entries hold pseudonymous commitments, never personal data: erasing a person never rewrites the ledger.
 */
import { createHmac, generateKeyPairSync, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MoteurError } from '../../core/errors.ts';
import { openSqlite, type SqliteDatabase } from '../../store/sqlite/database.ts';
import { consistencyPath, EMPTY_ROOT, inclusionPath, leafHash, nodeHash, splitPoint } from './merkle.ts';
import { checkpointBody, signNote, verifierKey } from './note.ts';

export interface LedgerEntry {
  time: string;
  principal: string;
  purpose: string;
  action: string;
  resource: string;
  decision: 'allow' | 'deny';
  policyVersion: string;
}

/** Stable key order, so the same entry always hashes the same. */
export function canonicalEntry(entry: LedgerEntry): Buffer {
  const keys: (keyof LedgerEntry)[] = ['time', 'principal', 'purpose', 'action', 'resource', 'decision', 'policyVersion'];
  return Buffer.from(JSON.stringify(Object.fromEntries(keys.map((k) => [k, entry[k]]))));
}

function secretFile(path: string, make: () => Buffer): Buffer {
  if (existsSync(path)) return readFileSync(path);
  const value = make();
  writeFileSync(path, value, { mode: 0o600 });
  return value;
}

export type StorageVerdict = { ok: true; size: number } | { ok: false; firstBadIndex: number; reason: string };

export class Ledger {
  private readonly appendBatch;
  private readonly getNode;
  private readonly putNode;
  private readonly putLeaf;
  private count: number;

  static open(dir: string, origin = 'moteur.ledger'): Ledger {
    mkdirSync(dir, { recursive: true });
    const key = createPrivateKey(
      secretFile(join(dir, 'ledger.key'), () => Buffer.from(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }))),
    );
    const salt = secretFile(join(dir, 'ledger.salt'), () => randomBytes(32));
    return new Ledger(openSqlite(join(dir, 'ledger.db')), origin, key, salt);
  }

  private constructor(
    private readonly db: SqliteDatabase,
    readonly origin: string,
    private readonly key: KeyObject,
    private readonly salt: Buffer,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS leaves (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL);
      CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
    `);
    this.count = (db.prepare('SELECT COUNT(*) AS n FROM leaves').get() as { n: number }).n;
    this.getNode = db.prepare('SELECT hash FROM nodes WHERE level = ? AND idx = ?').pluck();
    this.putNode = db.prepare('INSERT INTO nodes VALUES (?, ?, ?)');
    this.putLeaf = db.prepare('INSERT INTO leaves VALUES (?, ?)');
    this.appendBatch = db.transaction((entries: readonly LedgerEntry[]) =>
      entries.map((entry) => {
        const index = this.count;
        const bytes = canonicalEntry(entry);
        this.putLeaf.run(index, bytes);
        let hash = leafHash(bytes);
        this.putNode.run(0, index, hash);
        // Each time the new leaf completes a subtree, store that subtree's hash one level up.
        for (let level = 0, i = index; i % 2 === 1; level++, i = Math.floor(i / 2)) {
          hash = nodeHash(this.node(level, i - 1), hash);
          this.putNode.run(level + 1, Math.floor(i / 2), hash);
        }
        this.count++;
        return index;
      }),
    );
  }

  /** A keyed commitment to a person's id: stable for joins in the ledger, meaningless without the salt. */
  commitment(id: string): string {
    return createHmac('sha256', this.salt).update(id).digest('hex');
  }

  append(entries: readonly LedgerEntry[]): number[] {
    return entries.length === 0 ? [] : this.appendBatch(entries);
  }

  size(): number {
    return this.count;
  }

  root(size = this.count): Buffer {
    this.checkSize(size);
    return size === 0 ? EMPTY_ROOT : Buffer.from(this.rangeHash(0, size));
  }

  entries(start: number, end: number): { index: number; entry: LedgerEntry }[] {
    const rows = this.db.prepare('SELECT idx, entry FROM leaves WHERE idx >= ? AND idx < ? ORDER BY idx').all(start, end) as { idx: number; entry: Buffer }[];
    return rows.map((r) => ({ index: r.idx, entry: JSON.parse(r.entry.toString()) as LedgerEntry }));
  }

  inclusionProof(index: number, size: number): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new MoteurError('invalid_field', `index: must be below size ${size}`, 400, 'index');
    return inclusionPath(index, 0, size, (s, e) => this.rangeHash(s, e)).map((h) => Buffer.from(h));
  }

  consistencyProof(from: number, to: number): Buffer[] {
    this.checkSize(to);
    if (!Number.isSafeInteger(from) || from < 1 || from > to) throw new MoteurError('invalid_field', `from: must be from 1 to ${to}`, 400, 'from');
    return consistencyPath(from, to, (s, e) => this.rangeHash(s, e)).map((h) => Buffer.from(h));
  }

  /** The signed C2SP checkpoint of the current tree. */
  checkpoint(): string {
    return signNote(checkpointBody(this.origin, this.count, this.root()), this.origin, this.key);
  }

  verifierKey(): string {
    return verifierKey(this.origin, this.key);
  }

  /** Re-hashes every stored entry and node; names the first leaf whose entry or covering node was altered. */
  verifyStorage(): StorageVerdict {
    for (const { idx, entry } of this.db.prepare('SELECT idx, entry FROM leaves ORDER BY idx').iterate() as Iterable<{ idx: number; entry: Buffer }>) {
      if (!leafHash(entry).equals(this.node(0, idx))) return { ok: false, firstBadIndex: idx, reason: `entry ${idx} does not match its leaf hash` };
    }
    // Bottom-up: the lowest node that disagrees with its children is the one that was altered.
    const nodes = this.db.prepare('SELECT level, idx, hash FROM nodes WHERE level > 0 ORDER BY level, idx').all() as { level: number; idx: number; hash: Buffer }[];
    for (const n of nodes) {
      if (!nodeHash(this.node(n.level - 1, 2 * n.idx), this.node(n.level - 1, 2 * n.idx + 1)).equals(n.hash)) {
        return { ok: false, firstBadIndex: n.idx * 2 ** n.level, reason: `the node over leaves ${n.idx * 2 ** n.level}..${(n.idx + 1) * 2 ** n.level - 1} was altered` };
      }
    }
    return { ok: true, size: this.count };
  }

  close(): void {
    this.db.close();
  }

  private node(level: number, index: number): Buffer {
    const hash = this.getNode.get(level, index) as Buffer | undefined;
    if (hash === undefined) throw new MoteurError('ledger_corrupt', `the ledger has lost node ${level}/${index}`, 500);
    return hash;
  }

  /** MTH of leaves [start, end): a stored node when the range is an aligned power of two, else split as RFC 9162 does. */
  private rangeHash(start: number, end: number): Uint8Array {
    const n = end - start;
    if ((n & (n - 1)) === 0 && start % n === 0) return this.node(Math.log2(n), start / n);
    const k = splitPoint(n);
    return nodeHash(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.count) {
      throw new MoteurError('invalid_field', `size: must be from 0 to the ledger's size ${this.count}`, 400, 'size');
    }
  }
}
