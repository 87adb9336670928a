/**
 * The audit ledger: an append-only RFC 9162 Merkle tree over a `LedgerStorage` (SQLite per node, or
 * PostgreSQL shared by a cluster). Each complete subtree's hash is stored as it forms, so an append writes
 * O(log n) nodes and a proof reads O(log n) of them, fetched in one read.
 * Entries hold pseudonymous commitments, never personal data: erasing a person never rewrites the ledger.
 */
import { createHmac, generateKeyPairSync, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { invalid, MoteurError } from '../../core/errors.ts';
import { assertOwnerOnly, readOrCreateSecret } from '../secret-file.ts';
import { consistencyPath, EMPTY_ROOT, inclusionPath, leafHash, nodeHash, splitPoint, type RangeHash } from './merkle.ts';
import { checkpointBody, signNote, verifierKey } from './note.ts';
import { SqliteLedgerStorage } from './sqlite-ledger-storage.ts';
import { nodeKey, type LedgerStorage, type NodeKey } from './storage.ts';

export interface LedgerEntry {
  time: string;
  principal: string;
  purpose: string;
  action: string;
  resource: string;
  decision: 'allow' | 'deny';
  policyVersion: string;
}

/** An action taken for someone, following a decision already recorded or from the operator's own tools. */
export function actionEntry(action: string, purpose: string, resource: string, by: { principal: string; policyVersion: string }): LedgerEntry {
  return { time: new Date().toISOString(), principal: by.principal, purpose, action, resource, decision: 'allow', policyVersion: by.policyVersion };
}

/** Stable key order, so the same entry always hashes the same. */
export function canonicalEntry(entry: LedgerEntry): Buffer {
  const keys: (keyof LedgerEntry)[] = ['time', 'principal', 'purpose', 'action', 'resource', 'decision', 'policyVersion'];
  return Buffer.from(JSON.stringify(Object.fromEntries(keys.map((k) => [k, entry[k]]))));
}

export type StorageVerdict = { ok: true; size: number } | { ok: false; firstBadIndex: number; reason: string };

/** The signing key and the commitment salt: every node appending to one tree must hold the same. */
export interface LedgerSecrets {
  key: KeyObject;
  salt: Buffer;
}

/** `ledger.key` (Ed25519, PKCS#8 PEM) and `ledger.salt` in `dir`, each made on first use (mode 0600); refused when others may read them. */
export function loadLedgerSecrets(dir: string): LedgerSecrets {
  const [keyFile, saltFile] = [join(dir, 'ledger.key'), join(dir, 'ledger.salt')];
  const key = createPrivateKey(
    readOrCreateSecret(keyFile, () => Buffer.from(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }))),
  );
  const salt = readOrCreateSecret(saltFile, () => randomBytes(32));
  assertOwnerOnly(keyFile);
  assertOwnerOnly(saltFile);
  return { key, salt };
}

/** The name checkpoints are signed under unless one is given. */
export const DEFAULT_ORIGIN = 'moteur.ledger';
const SALT_CHECK = 'moteur ledger salt check';
const PAGE = 4096;

/** MTH of leaves [start, end) from the stored hashes of aligned subtrees, split as RFC 9162 does. */
function rangeHashOver(node: (level: number, index: number) => Uint8Array): RangeHash {
  const hash = (start: number, end: number): Uint8Array => {
    const n = end - start;
    if ((n & (n - 1)) === 0 && start % n === 0) return node(Math.log2(n), start / n);
    const k = splitPoint(n);
    return nodeHash(hash(start, start + k), hash(start + k, end));
  };
  return hash;
}

export class Ledger {
  /** The embedded ledger of one node: `ledger.db` and its secrets in `dir`. */
  static open(dir: string, origin = DEFAULT_ORIGIN): Promise<Ledger> {
    const secrets = loadLedgerSecrets(dir);
    return Ledger.over(SqliteLedgerStorage.open(join(dir, 'ledger.db')), secrets, origin);
  }

  /**
   * A ledger over any storage. The storage remembers the verifier key and salt check of the first writer:
   * a node holding other secrets is refused, so a shared tree never carries two signers or two salts.
   */
  static async over(storage: LedgerStorage, secrets: LedgerSecrets, origin = DEFAULT_ORIGIN): Promise<Ledger> {
    const ledger = new Ledger(storage, origin, secrets.key, secrets.salt);
    try {
      const mine = { verifierKey: ledger.verifierKey(), saltCheck: ledger.commitment(SALT_CHECK) };
      const bound = await storage.bindIdentity(mine);
      if (bound.verifierKey !== mine.verifierKey) {
        throw new MoteurError(
          'ledger_key_mismatch',
          `the ledger is signed by ${bound.verifierKey}, not by this node's key ${mine.verifierKey}: give every node the same ledger key (--ledger-keys)`,
        );
      }
      if (bound.saltCheck !== mine.saltCheck) {
        throw new MoteurError(
          'ledger_key_mismatch',
          "the ledger's commitments use another salt than this node's ledger.salt: give every node the same (--ledger-keys)",
        );
      }
    } catch (err) {
      await storage.close();
      throw err;
    }
    return ledger;
  }

  private constructor(
    private readonly storage: LedgerStorage,
    readonly origin: string,
    private readonly key: KeyObject,
    private readonly salt: Buffer,
  ) {}

  /** A keyed commitment to a person's id: stable for joins in the ledger, meaningless without the salt. */
  commitment(id: string): string {
    return createHmac('sha256', this.salt).update(id).digest('hex');
  }

  /** Appends the entries in order, after every entry committed before (by any node); returns their indexes. */
  async append(entries: readonly LedgerEntry[]): Promise<number[]> {
    if (entries.length === 0) return [];
    const first = await this.storage.append(entries.map(canonicalEntry));
    return entries.map((_, j) => first + j);
  }

  size(): Promise<number> {
    return this.storage.size();
  }

  async root(size?: number): Promise<Buffer> {
    const n = size ?? (await this.size());
    if (size !== undefined) await this.checkSize(size, 'size');
    return this.rootOf(n);
  }

  async entries(start: number, end: number): Promise<{ index: number; entry: LedgerEntry }[]> {
    return (await this.storage.entries(start, end)).map((r) => ({ index: r.index, entry: JSON.parse(r.bytes.toString()) as LedgerEntry }));
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    await this.checkSize(size, 'size');
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw invalid('index', `must be below size ${size}`);
    return (await this.withNodes((hash) => inclusionPath(index, 0, size, hash))).map((h) => Buffer.from(h));
  }

  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    await this.checkSize(to, 'to');
    if (!Number.isSafeInteger(from) || from < 1 || from > to) throw invalid('from', `must be from 1 to ${to}`);
    return (await this.withNodes((hash) => consistencyPath(from, to, hash))).map((h) => Buffer.from(h));
  }

  /** The signed C2SP checkpoint of the tree as committed now: one size, and the root of exactly that size. */
  async checkpoint(): Promise<string> {
    const size = await this.size();
    return signNote(checkpointBody(this.origin, size, await this.rootOf(size)), this.origin, this.key);
  }

  verifierKey(): string {
    return verifierKey(this.origin, this.key);
  }

  /** Re-hashes every stored entry and node; names the first leaf whose entry or covering node was altered. */
  async verifyStorage(): Promise<StorageVerdict> {
    const size = await this.size();
    for (let start = 0; start < size; start += PAGE) {
      const end = Math.min(size, start + PAGE);
      const leaves = await this.storage.nodes(Array.from({ length: end - start }, (_, j) => ({ level: 0, index: start + j })));
      for (const { index, bytes } of await this.storage.entries(start, end)) {
        if (!leafHash(bytes).equals(leaves.get(nodeKey(0, index)) ?? EMPTY_ROOT))
          return { ok: false, firstBadIndex: index, reason: `entry ${index} does not match its leaf hash` };
      }
    }
    // Bottom-up: the lowest node that disagrees with its children is the one that was altered.
    for (let level = 1; 2 ** level <= size; level++) {
      const count = Math.floor(size / 2 ** level);
      for (let start = 0; start < count; start += PAGE) {
        const end = Math.min(count, start + PAGE);
        const keys: NodeKey[] = [];
        for (let index = start; index < end; index++)
          keys.push({ level, index }, { level: level - 1, index: 2 * index }, { level: level - 1, index: 2 * index + 1 });
        const found = await this.storage.nodes(keys);
        for (let index = start; index < end; index++) {
          const [hash, left, right] = [
            found.get(nodeKey(level, index)),
            found.get(nodeKey(level - 1, 2 * index)),
            found.get(nodeKey(level - 1, 2 * index + 1)),
          ];
          if (hash === undefined || left === undefined || right === undefined || !nodeHash(left, right).equals(hash)) {
            const first = index * 2 ** level;
            return { ok: false, firstBadIndex: first, reason: `the node over leaves ${first}..${first + 2 ** level - 1} was altered` };
          }
        }
      }
    }
    return { ok: true, size };
  }

  close(): Promise<void> {
    return this.storage.close();
  }

  /**
   * Runs a proof computation twice: once to learn which ranges it hashes (the paths depend on sizes only,
   * never on hash values), then over the stored nodes covering them, fetched in one read.
   */
  private async withNodes<T>(compute: (hash: RangeHash) => T): Promise<T> {
    const wanted: NodeKey[] = [];
    compute(
      rangeHashOver((level, index) => {
        wanted.push({ level, index });
        return EMPTY_ROOT;
      }),
    );
    const found = await this.storage.nodes(wanted);
    return compute(
      rangeHashOver((level, index) => {
        const hash = found.get(nodeKey(level, index));
        if (hash === undefined) throw new MoteurError('ledger_corrupt', `the ledger has lost node ${level}/${index}`);
        return hash;
      }),
    );
  }

  private async rootOf(size: number): Promise<Buffer> {
    return size === 0 ? EMPTY_ROOT : Buffer.from(await this.withNodes((hash) => hash(0, size)));
  }

  /** Refuses a tree size beyond what is committed, naming the parameter (`field`) that gave it. */
  private async checkSize(size: number, field: string): Promise<void> {
    const committed = await this.size();
    if (!Number.isSafeInteger(size) || size < 0 || size > committed) {
      throw invalid(field, `must be from 0 to the ledger's size ${committed}`);
    }
  }
}
