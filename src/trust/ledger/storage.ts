/**
 * Where the ledger keeps its entries and its stored subtree hashes: an embedded SQLite file per node, or
 * PostgreSQL shared by a cluster. The Merkle arithmetic (which nodes an append forms, how proofs combine
 * them) lives here and in `ledger.ts`, once, whatever the storage.
 */
import { MoteurError } from '../../core/errors.ts';
import { leafHash, nodeHash } from './merkle.ts';

/** The stored hash of the complete subtree over leaves [index * 2^level, (index + 1) * 2^level). */
export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

export type NodeKey = Pick<TreeNode, 'level' | 'index'>;

export const nodeKey = (level: number, index: number): string => `${level}/${index}`;

/** Who signs the tree and keys its commitments, as a storage remembers it: the first to write it binds it. */
export interface LedgerIdentity {
  verifierKey: string;
  /** An HMAC of a fixed text under the commitment salt: shows the salt is the same without revealing it. */
  saltCheck: string;
}

export interface LedgerStorage {
  /** Number of entries committed. */
  size(): Promise<number>;
  /**
   * Appends canonical entries after every entry already committed, serialised against every other
   * appender of the same storage (another node's included); returns the index of the first.
   */
  append(entries: readonly Buffer[]): Promise<number>;
  /** The stored nodes among `keys`, by `nodeKey`; a key absent from the answer is not stored. */
  nodes(keys: readonly NodeKey[]): Promise<Map<string, Buffer>>;
  /** Entries [start, end) in order. */
  entries(start: number, end: number): Promise<{ index: number; bytes: Buffer }[]>;
  /** Records `identity` when none is recorded yet; returns the one recorded (the given one, or an earlier writer's). */
  bindIdentity(identity: LedgerIdentity): Promise<LedgerIdentity>;
  close(): Promise<void>;
}

/** The nodes an append to a tree of `size` leaves combines with: the complete subtrees along its right edge. */
export function frontierKeys(size: number): NodeKey[] {
  const keys: NodeKey[] = [];
  for (let level = 0; 2 ** level <= size; level++) {
    const above = Math.floor(size / 2 ** level);
    if (above % 2 === 1) keys.push({ level, index: above - 1 });
  }
  return keys;
}

/**
 * The leaf and subtree nodes that appending `entries` to a tree of `size` leaves forms: each leaf's hash,
 * and each time a leaf completes a subtree, that subtree's hash one level up. `frontier` holds `frontierKeys(size)`.
 */
export function grownNodes(size: number, frontier: ReadonlyMap<string, Buffer>, entries: readonly Buffer[]): TreeNode[] {
  const known = new Map(frontier);
  const formed: TreeNode[] = [];
  const put = (level: number, index: number, hash: Buffer) => {
    known.set(nodeKey(level, index), hash);
    formed.push({ level, index, hash });
  };
  entries.forEach((bytes, j) => {
    const leaf = size + j;
    let hash = leafHash(bytes);
    put(0, leaf, hash);
    for (let level = 0, i = leaf; i % 2 === 1; level++, i = Math.floor(i / 2)) {
      const left = known.get(nodeKey(level, i - 1));
      if (left === undefined) throw new MoteurError('ledger_corrupt', `the ledger has lost node ${level}/${i - 1}`);
      hash = nodeHash(left, hash);
      put(level + 1, Math.floor(i / 2), hash);
    }
  });
  return formed;
}
