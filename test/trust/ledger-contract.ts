/**
 * The cases every ledger storage must pass, run by one test file per storage (ledger.test.ts for SQLite,
 * postgres-ledger.test.ts for PostgreSQL), so both hold the same tree, proofs and tamper checks.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalEntry, type Ledger, loadLedgerSecrets, type LedgerEntry } from '../../src/trust/ledger/ledger.ts';
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../../src/trust/ledger/merkle.ts';
import { checkpointBody, verifyNote } from '../../src/trust/ledger/note.ts';
import { tempDir } from '../support/fixtures.ts';

export interface LedgerContractOptions {
  /** Opens a ledger on new, empty storage, or on the storage at `place` again; `keysDir` holds its secrets. */
  open: (keysDir: string, place?: string) => Promise<{ ledger: Ledger; place: string }>;
  /** Overwrites, behind the ledger's back, a stored entry or a stored node of the closed ledger at `place`. */
  tamperEntry: (place: string, index: number, bytes: Buffer) => Promise<void>;
  tamperNode: (place: string, level: number, index: number, hash: Buffer) => Promise<void>;
  skip?: string;
}

export const ledgerEntry = (i: number, resource = `user:${i}`): LedgerEntry => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  principal: 'app',
  purpose: 'feed',
  action: 'readFeed',
  resource,
  decision: 'allow',
  policyVersion: 'v1',
});

function naiveRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

export function ledgerContract(name: string, options: LedgerContractOptions): void {
  const { open, skip } = options;

  test(`${name}: the tree matches RFC 9162, its proofs verify, and it survives a reopen`, { skip }, async () => {
    const keys = tempDir();
    const { ledger, place } = await open(keys);
    assert.equal(await ledger.size(), 0);
    const all = Array.from({ length: 77 }, (_, i) => ledgerEntry(i));
    for (let i = 0; i < all.length; i += 10)
      assert.deepEqual(
        await ledger.append(all.slice(i, i + 10)),
        all.slice(i, i + 10).map((_, j) => i + j),
      );
    assert.equal(await ledger.size(), 77);
    const bytes = all.map(canonicalEntry);
    for (const size of [1, 2, 3, 8, 33, 64, 77]) assert.ok((await ledger.root(size)).equals(naiveRoot(bytes.slice(0, size))), `root of ${size}`);
    for (const [index, size] of [
      [0, 1],
      [5, 6],
      [31, 77],
      [76, 77],
      [40, 64],
    ] as const) {
      assert.deepEqual(verifyInclusion(index, size, leafHash(bytes[index]!), await ledger.inclusionProof(index, size), await ledger.root(size)), { ok: true });
    }
    for (const [from, to] of [
      [1, 77],
      [7, 8],
      [8, 77],
      [50, 77],
      [77, 77],
    ] as const) {
      assert.deepEqual(verifyConsistency(from, to, await ledger.root(from), await ledger.root(to), await ledger.consistencyProof(from, to)), { ok: true });
    }
    await assert.rejects(ledger.inclusionProof(77, 77), /index: must be below size 77/);
    await assert.rejects(ledger.root(78), /size: must be from 0 to the ledger's size 77/);
    await assert.rejects(ledger.consistencyProof(0, 5), /from: must be from 1 to 5/);
    assert.deepEqual(
      (await ledger.entries(3, 5)).map((e) => e.entry.resource),
      ['user:3', 'user:4'],
    );
    const root = await ledger.root();
    await ledger.close();
    const reopened = (await open(keys, place)).ledger;
    assert.ok((await reopened.root()).equals(root));
    assert.deepEqual(await reopened.append([ledgerEntry(77)]), [77]);
    assert.ok((await reopened.root()).equals(naiveRoot([...bytes, canonicalEntry(ledgerEntry(77))])));
    await reopened.close();
  });

  test(`${name}: checkpoints are C2SP signed notes that verify with the printed key only`, { skip }, async () => {
    const { ledger } = await open(tempDir());
    await ledger.append([ledgerEntry(1), ledgerEntry(2), ledgerEntry(3)]);
    const note = await ledger.checkpoint();
    assert.ok(note.startsWith(checkpointBody(ledger.origin, 3, await ledger.root())));
    const key = ledger.verifierKey();
    assert.match(key, /^moteur\.ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    assert.equal(verifyNote(note, key).ok, true);
    assert.equal(verifyNote(note.replace('\n3\n', '\n4\n'), key).ok, false);
    const other = (await open(tempDir())).ledger;
    assert.equal(verifyNote(note, other.verifierKey()).ok, false);
    await other.close();
    await ledger.close();
  });

  test(`${name}: a node holding another signing key or salt is refused, and nothing is written`, { skip }, async () => {
    const keys = tempDir();
    const { ledger, place } = await open(keys);
    await ledger.append([ledgerEntry(1)]);
    await ledger.close();
    await assert.rejects(open(tempDir(), place), /the ledger is signed by moteur\.ledger\+[0-9a-f]{8}\+\S+, not by this node's key/);
    const otherSalt = tempDir();
    loadLedgerSecrets(otherSalt);
    copyFileSync(join(keys, 'ledger.key'), join(otherSalt, 'ledger.key'));
    await assert.rejects(open(otherSalt, place), /another salt/);
    const again = (await open(keys, place)).ledger;
    assert.equal(await again.size(), 1);
    await again.close();
  });

  test(`${name}: altering a stored entry or node is detected and located`, { skip }, async () => {
    const keys = tempDir();
    const first = await open(keys);
    await first.ledger.append(Array.from({ length: 40 }, (_, i) => ledgerEntry(i)));
    assert.deepEqual(await first.ledger.verifyStorage(), { ok: true, size: 40 });
    await first.ledger.close();
    await options.tamperEntry(first.place, 17, canonicalEntry({ ...ledgerEntry(17), decision: 'deny' }));
    let reopened = (await open(keys, first.place)).ledger;
    assert.deepEqual(await reopened.verifyStorage(), { ok: false, firstBadIndex: 17, reason: 'entry 17 does not match its leaf hash' });
    await reopened.close();

    const second = await open(keys);
    await second.ledger.append(Array.from({ length: 40 }, (_, i) => ledgerEntry(i)));
    await second.ledger.close();
    await options.tamperNode(second.place, 2, 5, Buffer.alloc(32, 7));
    reopened = (await open(keys, second.place)).ledger;
    assert.deepEqual(await reopened.verifyStorage(), { ok: false, firstBadIndex: 20, reason: 'the node over leaves 20..23 was altered' });
    await reopened.close();
  });

  test(`${name}: commitments hide ids but stay stable for one ledger`, { skip }, async () => {
    const { ledger } = await open(tempDir());
    const c = ledger.commitment('alice@example.com');
    assert.match(c, /^[0-9a-f]{64}$/);
    assert.equal(ledger.commitment('alice@example.com'), c);
    assert.notEqual(ledger.commitment('bob'), c);
    await ledger.close();
  });
}
